package dev.fovea.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendsCommandTest {

    @Test
    void listsCpuAsAvailableWithADeviceAndADefault() {
        CliRun run = CliRun.of("backends", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject json = run.json();
        JsonObject cpu = null;
        List<String> deviceIds = new ArrayList<>();
        for (JsonElement element : json.getAsJsonArray("backends")) {
            JsonObject backend = element.getAsJsonObject();
            assertTrue(backend.has("name") && backend.has("available") && backend.has("reason"), backend::toString);
            if (!backend.get("available").getAsBoolean()) {
                assertFalse(backend.get("reason").getAsString().isBlank(), "an unavailable backend says why");
            }
            for (JsonElement d : backend.getAsJsonArray("devices")) {
                JsonObject device = d.getAsJsonObject();
                assertTrue(device.has("id") && device.has("name") && device.has("kind"), device::toString);
                deviceIds.add(device.get("id").getAsString());
            }
            if (backend.get("name").getAsString().equals("cpu")) {
                cpu = backend;
            }
        }
        assertTrue(cpu != null, "cpu backend listed: " + json);
        assertTrue(cpu.get("available").getAsBoolean());
        assertFalse(cpu.getAsJsonArray("devices").isEmpty());
        assertEquals("cpu:0", cpu.getAsJsonArray("devices").get(0).getAsJsonObject().get("id").getAsString());
        assertEquals("CPU", cpu.getAsJsonArray("devices").get(0).getAsJsonObject().get("kind").getAsString());
        assertTrue(json.get("default").isJsonPrimitive(), "a default device: " + json);
        assertTrue(deviceIds.contains(json.get("default").getAsString()), "the default is a listed device: " + json);
    }

    @Test
    void deviceOptionBecomesTheDefaultFromCode() {
        for (String[] args : List.of(
                new String[] {"backends", "--json", "--device", "cpu"},
                new String[] {"--device", "cpu:0", "backends", "--json"})) {
            CliRun run = CliRun.of(args);
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals("cpu:0", run.json().get("default").getAsString());
            assertEquals("code", run.json().get("defaultSource").getAsString());
        }
    }

    @Test
    void humanOutputNamesBackendsAndTheDefault() {
        CliRun run = CliRun.of("backends");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("cpu"), run.out());
        assertTrue(run.out().contains("cpu:0"), run.out());
        assertTrue(run.out().contains("Default device: "), run.out());
    }

    @Test
    void unknownDeviceExitsWithTwoAndListsTheBackends() {
        for (String[] args : List.of(
                new String[] {"backends", "--device", "tpu"},
                new String[] {"--device", "tpu", "peaks"},
                new String[] {"peaks", "--device", "tpu", "--json"})) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.exitCode(), run::toString);
            assertTrue(run.err().contains("unknown backend 'tpu'"), run::toString);
            assertTrue(run.err().contains("backends found: ") && run.err().contains("cpu (cpu:0"), run::toString);
        }
    }

    @Test
    void missingDeviceIndexExitsWithTwo() {
        CliRun run = CliRun.of("peaks", "--device", "cpu:7");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("no device 7"), run::toString);
    }
}
