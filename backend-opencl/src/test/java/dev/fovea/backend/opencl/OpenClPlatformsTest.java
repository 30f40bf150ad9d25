package dev.fovea.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fovea.api.backend.DeviceInfo;
import dev.fovea.api.backend.DeviceKind;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jocl.CL;
import org.junit.jupiter.api.Test;

class OpenClPlatformsTest {

    // ---- The real probe on this machine --------------------------------------------------------

    @Test
    void probeGivesDevicesOrAReasonAndNeverThrows() {
        OpenClProbe probe = OpenClPlatforms.probe();
        assertNotNull(probe);
        if (probe.foundDevices()) {
            assertFalse(probe.devices().isEmpty());
            assertTrue(probe.failure().isEmpty());
        } else {
            assertTrue(probe.devices().isEmpty());
            assertFalse(probe.failure().orElseThrow().isBlank());
        }
        System.err.println("OpenCL probe: " + probe.summary());
    }

    @Test
    void probeRunsOnceAndIsShared() {
        assertSame(OpenClPlatforms.probe(), OpenClPlatforms.probe());
    }

    @Test
    void inCiAnOpenClDeviceMustBeFound() {
        if (!OpenClTestSupport.isCi()) {
            System.err.println("(CI is not set to true: an OpenCL device is optional in this run)");
            return;
        }
        OpenClProbe probe = OpenClPlatforms.probe();
        assertTrue(probe.foundDevices(), () -> "OpenCL device required in CI: " + probe.failure().orElse("?"));
    }

    @Test
    void everyDeviceReportsPlausibleProperties() {
        OpenClProbe probe = OpenClTestSupport.requireDevices();
        for (OpenClDevice d : probe.devices()) {
            assertAll(d.toString(),
                    () -> assertFalse(d.name().isBlank(), "name"),
                    () -> assertFalse(d.platformName().isBlank(), "platform name"),
                    () -> assertTrue(d.computeUnits() >= 1, "compute units"),
                    () -> assertTrue(d.globalMemoryBytes() > 0, "global memory"),
                    () -> assertTrue(d.maxAllocationBytes() > 0 && d.maxAllocationBytes() <= d.globalMemoryBytes(),
                            "max allocation"),
                    () -> assertTrue(d.localMemoryBytes() > 0, "local memory"),
                    () -> assertTrue(d.maxWorkGroupSize() >= 1, "max work-group size"),
                    () -> assertTrue(d.openClCVersion().startsWith("OpenCL C "), "OpenCL C version: " + d.openClCVersion()));
        }
        List<DeviceInfo> infos = probe.deviceInfos();
        for (int i = 0; i < infos.size(); i++) {
            assertEquals(i, infos.get(i).index());
            assertEquals("opencl:" + i, infos.get(i).id());
            assertEquals(probe.devices().get(i).name(), infos.get(i).name());
        }
    }

    /** The same devices clinfo sees: a check of the enumeration against an independent tool. */
    @Test
    void findsAsManyDevicesAsClinfo() throws IOException, InterruptedException {
        OpenClProbe probe = OpenClTestSupport.requireDevices();
        Path clinfo = onPath("clinfo");
        if (clinfo == null) {
            System.err.println("(clinfo is not installed: skipping the cross-check against it)");
            return;
        }
        Process process = new ProcessBuilder(clinfo.toString(), "-l").redirectErrorStream(true).start();
        long devices;
        List<String> lines;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            lines = out.lines().toList();
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("clinfo -l did not finish in 30 s");
        }
        devices = lines.stream().filter(l -> l.contains("Device #")).count();
        assertEquals(devices, probe.devices().size(), "clinfo -l says:\n" + String.join("\n", lines));
        for (OpenClDevice d : probe.devices()) {
            assertTrue(lines.stream().anyMatch(l -> l.contains(d.name())), d.name() + " missing from clinfo -l");
        }
    }

    // ---- How failures become reasons (fakes) -------------------------------------------------

    @Test
    void missingIcdLoaderIsExplained() {
        OpenClProbe probe = OpenClPlatforms.probe(() -> {
            throw new UnsatisfiedLinkError(
                    "Could not initialize native OpenCL library. Implementation library could not be loaded");
        });
        assertFalse(probe.foundDevices());
        String reason = probe.failure().orElseThrow();
        assertTrue(reason.startsWith("no OpenCL ICD loader: libOpenCL.so not found"), reason);
        assertTrue(reason.contains("ocl-icd-opencl-dev") && reason.contains("pocl-opencl-icd"), reason);
    }

    @Test
    void otherNativeLoadFailuresKeepTheirMessage() {
        String reason = OpenClPlatforms.probe(() -> {
            throw new UnsatisfiedLinkError("/tmp/libJOCL_2_0_5-linux-x86_64.so: cannot map segment");
        }).failure().orElseThrow();
        assertTrue(reason.contains("cannot map segment"), reason);
    }

    @Test
    void aSecondUseAfterAFailedLoadIsExplained() {
        String reason = OpenClPlatforms.probe(() -> {
            throw new NoClassDefFoundError("Could not initialize class org.jocl.CL");
        }).failure().orElseThrow();
        assertTrue(reason.contains("Could not initialize class org.jocl.CL"), reason);
    }

    @Test
    void noPlatformIsExplained() {
        String reason = OpenClPlatforms.probe(() -> {
            throw new OpenClPlatforms.OpenClCallException("clGetPlatformIDs", -1001);
        }).failure().orElseThrow();
        assertTrue(reason.startsWith("no OpenCL platform installed"), reason);
    }

    @Test
    void otherStatusesAreNamed() {
        String reason = OpenClPlatforms.probe(() -> {
            throw new OpenClPlatforms.OpenClCallException("clGetDeviceInfo", -30);
        }).failure().orElseThrow();
        assertTrue(reason.contains("clGetDeviceInfo returned -30 (CL_INVALID_VALUE)"), reason);
    }

    @Test
    void runtimeFailuresAndEmptyResultsBecomeReasons() {
        assertTrue(OpenClPlatforms.probe(() -> {
            throw new IllegalStateException("boom");
        }).failure().orElseThrow().contains("boom"));
        assertTrue(OpenClPlatforms.probe(List::of).failure().orElseThrow().contains("no devices"));
    }

    @Test
    void aFakeDeviceListIsKept() {
        OpenClProbe probe = OpenClPlatforms.probe(() -> List.of(device("a", DeviceKind.CPU)));
        assertTrue(probe.foundDevices());
        assertEquals("a", probe.devices().get(0).name());
        assertTrue(probe.summary().startsWith("found 1 device: opencl:0 a (CPU"), probe.summary());
    }

    @Test
    void gpusComeFirstInAStableOrderAndTheDefaultIsTheFirstGpu() {
        OpenClProbe probe = OpenClProbe.found(List.of(device("cpu0", DeviceKind.CPU), device("acc", DeviceKind.ACCELERATOR),
                device("gpu0", DeviceKind.GPU), device("gpu1", DeviceKind.GPU)));
        assertEquals(List.of("gpu0", "gpu1", "cpu0", "acc"), probe.devices().stream().map(OpenClDevice::name).toList());
        assertEquals(List.of("opencl:0", "opencl:1", "opencl:2", "opencl:3"),
                probe.deviceInfos().stream().map(DeviceInfo::id).toList());
        assertEquals("gpu0", probe.deviceInfos().get(0).name());
        assertEquals(0, probe.defaultDeviceIndex());
        assertTrue(probe.hasGpu());
    }

    @Test
    void theDefaultDeviceIsTheFirstGpuThenTheFirstCpu() {
        assertEquals(1, OpenClProbe.found(List.of(device("acc", DeviceKind.ACCELERATOR), device("cpu0", DeviceKind.CPU)))
                .defaultDeviceIndex());
        assertEquals(0, OpenClProbe.found(List.of(device("acc", DeviceKind.ACCELERATOR))).defaultDeviceIndex());
    }

    @Test
    void probeResultsAreImmutableAndConsistent() {
        OpenClProbe probe = OpenClProbe.found(List.of(device("a", DeviceKind.CPU)));
        assertThrows(UnsupportedOperationException.class, () -> probe.devices().add(device("b", DeviceKind.GPU)));
        assertThrows(IllegalArgumentException.class, () -> OpenClProbe.found(List.of()));
        assertThrows(IllegalArgumentException.class, () -> OpenClProbe.failed(" "));
    }

    // ---- Pure helpers ----------------------------------------------------------------------------

    @Test
    void deviceTypeBitsMapToKinds() {
        assertEquals(DeviceKind.GPU, OpenClPlatforms.kindOf(CL.CL_DEVICE_TYPE_GPU));
        assertEquals(DeviceKind.GPU, OpenClPlatforms.kindOf(CL.CL_DEVICE_TYPE_GPU | CL.CL_DEVICE_TYPE_DEFAULT));
        assertEquals(DeviceKind.CPU, OpenClPlatforms.kindOf(CL.CL_DEVICE_TYPE_CPU | CL.CL_DEVICE_TYPE_DEFAULT));
        assertEquals(DeviceKind.ACCELERATOR, OpenClPlatforms.kindOf(CL.CL_DEVICE_TYPE_ACCELERATOR));
        assertEquals(DeviceKind.OTHER, OpenClPlatforms.kindOf(CL.CL_DEVICE_TYPE_CUSTOM));
    }

    @Test
    void fp64IsAWholeExtensionName() {
        assertTrue(OpenClPlatforms.hasExtension("cl_khr_byte_addressable_store cl_khr_fp64 cl_khr_fp16 ", "cl_khr_fp64"));
        assertFalse(OpenClPlatforms.hasExtension("cl_khr_fp16 cl_amd_fp64", "cl_khr_fp64"));
        assertFalse(OpenClPlatforms.hasExtension("", "cl_khr_fp64"));
    }

    static OpenClDevice device(String name, DeviceKind kind) {
        return new OpenClDevice(0, 0, "Fake Platform", name, "Fake Vendor", kind, 1L << 30, 1L << 28, 65536, 256, 4,
                true, "OpenCL C 1.2", "1.0");
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
