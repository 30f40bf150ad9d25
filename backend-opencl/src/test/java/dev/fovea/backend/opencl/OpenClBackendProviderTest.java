package dev.fovea.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.backend.Availability;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BackendProvider;
import dev.fovea.api.backend.DeviceKind;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OpenClBackendProviderTest {
    /** The CPU backend's rank, which the OpenCL provider must beat with a GPU and stay below without one. */
    private static final int CPU_BACKEND_RANK = 10;

    private final OpenClBackendProvider provider = new OpenClBackendProvider();

    @Test
    void isFoundByServiceLoaderAsOpencl() {
        List<BackendProvider> found = ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof OpenClBackendProvider)
                .toList();
        assertEquals(1, found.size());
        assertEquals("opencl", found.get(0).name());
        assertEquals(OpenClBackendProvider.rankFor(OpenClPlatforms.probe()), found.get(0).rank());
    }

    @Test
    void ranksAboveTheCpuBackendOnlyWithAGpu() {
        OpenClProbe gpu = OpenClProbe.found(List.of(OpenClPlatformsTest.device("cpu", DeviceKind.CPU),
                OpenClPlatformsTest.device("gpu", DeviceKind.GPU)));
        OpenClProbe cpuOnly = OpenClProbe.found(List.of(OpenClPlatformsTest.device("pocl", DeviceKind.CPU)));
        assertTrue(OpenClBackendProvider.rankFor(gpu) > CPU_BACKEND_RANK);
        assertTrue(OpenClBackendProvider.rankFor(cpuOnly) < CPU_BACKEND_RANK);
        assertTrue(OpenClBackendProvider.rankFor(OpenClProbe.failed("no platform")) < CPU_BACKEND_RANK);
        OpenClProbe real = OpenClPlatforms.probe();
        assertEquals(real.hasGpu(), provider.rank() > CPU_BACKEND_RANK, "rank " + provider.rank() + " for " + real);
    }

    @Test
    void isAvailableWhereADeviceBuildsTheProgram() {
        Availability availability = provider.availability();
        OpenClProbe probe = OpenClPlatforms.probe();
        System.err.println("opencl provider: " + (availability.isAvailable() ? "available" : availability.reason()));
        if (!probe.foundDevices()) {
            assertFalse(availability.isAvailable());
            assertEquals(probe.failure().orElseThrow(), availability.reason());
            return;
        }
        OpenClTestSupport.requireDevices();
        assertTrue(availability.isAvailable(), availability.reason());
        assertEquals(probe.deviceInfos(), provider.devices());
        assertSameAnswerTwice();
    }

    private void assertSameAnswerTwice() {
        assertTrue(provider.availability() == new OpenClBackendProvider().availability(), "availability is cached");
    }

    @Test
    void availabilityFollowsTheProbeAndTheBuild() {
        Availability noPlatform = OpenClBackendProvider.availabilityFor(OpenClProbe.failed("no OpenCL platform installed"),
                d -> Optional.empty());
        assertFalse(noPlatform.isAvailable());
        assertEquals("no OpenCL platform installed", noPlatform.reason());

        OpenClProbe fake = OpenClProbe.found(List.of(OpenClPlatformsTest.device("pthread-fake", DeviceKind.CPU)));
        assertTrue(OpenClBackendProvider.availabilityFor(fake, d -> Optional.empty()).isAvailable());

        String log = IntStream.rangeClosed(1, 40).mapToObj(i -> "<source>:" + i + ": error: line " + i)
                .collect(Collectors.joining("\n"));
        Availability broken = OpenClBackendProvider.availabilityFor(fake, d -> Optional.of(log));
        assertFalse(broken.isAvailable());
        assertTrue(broken.reason().startsWith("the OpenCL kernels do not build on opencl:0 pthread-fake: "),
                broken.reason());
        assertTrue(broken.reason().contains("error: line 1\n") && broken.reason().contains("error: line 12\n"),
                broken.reason());
        assertFalse(broken.reason().contains("error: line 13\n"), broken.reason());
        assertTrue(broken.reason().endsWith("(28 more lines)"), broken.reason());

        Availability thrown = OpenClBackendProvider.availabilityFor(fake, d -> {
            throw new IllegalStateException("driver exploded");
        });
        assertFalse(thrown.isAvailable());
        assertTrue(thrown.reason().contains("driver exploded"), thrown.reason());
    }

    @Test
    void opensTheDefaultDeviceAndRejectsUnknownOnes() {
        OpenClProbe probe = OpenClTestSupport.requireDevices();
        int index = provider.defaultDeviceIndex();
        assertTrue(index >= 0 && index < probe.devices().size());
        try (Backend backend = provider.open(index)) {
            assertEquals("opencl", backend.name());
            assertEquals("opencl:" + index, backend.device().id());
            assertEquals(probe.devices().get(index).name(), backend.device().name());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> provider.open(99));
        assertTrue(e.getMessage().contains("opencl:99") && e.getMessage().contains("opencl:0"), e.getMessage());
    }

    @Test
    void reportsWhatItDetected() {
        assertEquals(OpenClPlatforms.probe().deviceInfos(), provider.detectedDevices());
    }
}
