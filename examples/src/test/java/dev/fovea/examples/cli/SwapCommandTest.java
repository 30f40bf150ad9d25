package dev.fovea.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fovea.core.device.BackendStatus;
import dev.fovea.core.device.Devices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class SwapCommandTest {

    /** Skips loudly without an OpenCL device, except in CI (CI=true), where that fails. */
    static void requireOpenCl() {
        BackendStatus status = Devices.statuses().stream().filter(s -> s.name().equals("opencl")).findFirst()
                .orElse(null);
        if (status != null && status.available()) {
            return;
        }
        String reason = status == null ? "no 'opencl' backend on the class path" : status.reason();
        if ("true".equalsIgnoreCase(System.getenv("CI")) || "true".equalsIgnoreCase(System.getProperty("CI"))) {
            fail("OpenCL device required in CI: " + reason);
        }
        System.err.println("\n*** SKIPPING fovea swap --to opencl: " + reason
                + "\n*** (in CI, with CI=true, this is a failure)\n");
        Assumptions.abort("no OpenCL device: " + reason);
    }

    @Test
    void cpuToOpenClHalfwayMatchesStayingOnTheCpu() {
        requireOpenCl();
        CliRun run = CliRun.of("swap", "--from", "cpu", "--to", "opencl", "--steps", "12", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject json = run.json();
        assertEquals("swap", json.get("command").getAsString());
        assertEquals("cpu:0", json.get("from").getAsString());
        assertTrue(json.get("to").getAsString().startsWith("opencl:"), json::toString);
        assertEquals(12, json.get("steps").getAsInt());
        assertEquals(6, json.get("swapStep").getAsInt());
        JsonArray reference = json.getAsJsonArray("lossesReference");
        JsonArray swapped = json.getAsJsonArray("lossesSwapped");
        assertEquals(12, reference.size());
        assertEquals(12, swapped.size());
        double max = 0;
        for (int i = 0; i < 12; i++) {
            double r = reference.get(i).getAsDouble();
            double s = swapped.get(i).getAsDouble();
            if (i < 6) {
                assertEquals(r, s, "before the move both runs are the same CPU run (step " + (i + 1) + ")");
            }
            max = Math.max(max, Math.abs(s - r) / Math.abs(r));
        }
        assertEquals(max, json.get("maxRelativeDifference").getAsDouble(), 1e-15);
        assertTrue(max < 1e-4, "float32 tolerance: " + json);
        assertTrue(swapped.get(11).getAsDouble() < swapped.get(0).getAsDouble(), "it learns: " + json);
        assertTrue(run.err().contains("moving the model and its optimizer state to opencl"), run::toString);
    }

    @Test
    void staysOnTheCpuWhenBothEndsAreTheCpu() {
        CliRun run = CliRun.of("swap", "--from", "cpu", "--to", "cpu", "--steps", "4");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("Largest relative difference of a loss: 0.00 "), run::toString);
    }

    @Test
    void anUnknownOrUnavailableDeviceIsAUsageError() {
        CliRun unknown = CliRun.of("swap", "--to", "tpu", "--json");
        assertEquals(2, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().contains("--to tpu: unknown backend 'tpu'"), unknown::toString);
        CliRun noDevice = CliRun.of("swap", "--from", "cpu:7");
        assertEquals(2, noDevice.exitCode(), noDevice::toString);
        assertTrue(noDevice.err().contains("--from cpu:7") && noDevice.err().contains("has no device 7"),
                noDevice::toString);
        CliRun tooFew = CliRun.of("swap", "--steps", "1");
        assertEquals(2, tooFew.exitCode(), tooFew::toString);
    }
}
