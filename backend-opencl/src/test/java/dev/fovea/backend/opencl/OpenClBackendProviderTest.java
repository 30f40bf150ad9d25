package dev.fovea.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.backend.Availability;
import dev.fovea.api.backend.BackendProvider;
import dev.fovea.api.backend.DeviceKind;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class OpenClBackendProviderTest {
    private final OpenClBackendProvider provider = new OpenClBackendProvider();

    @Test
    void isFoundByServiceLoaderAsOpencl() {
        List<BackendProvider> found = ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof OpenClBackendProvider)
                .toList();
        assertEquals(1, found.size());
        assertEquals("opencl", found.get(0).name());
        assertEquals(20, found.get(0).rank());
    }

    @Test
    void isUnavailableWithAnHonestReasonUntilKernelsExist() {
        Availability availability = provider.availability();
        assertFalse(availability.isAvailable());
        OpenClProbe probe = OpenClPlatforms.probe();
        if (probe.foundDevices()) {
            assertTrue(availability.reason().startsWith("OpenCL kernels are not implemented yet (found "),
                    availability.reason());
            probe.devices().forEach(d -> assertTrue(availability.reason().contains(d.name()), availability.reason()));
        } else {
            assertEquals(probe.failure().orElseThrow(), availability.reason());
        }
        System.err.println("opencl provider: " + availability.reason());
    }

    @Test
    void availabilityFollowsTheProbe() {
        Availability noPlatform = OpenClBackendProvider.availabilityFor(OpenClProbe.failed("no OpenCL platform installed"));
        assertFalse(noPlatform.isAvailable());
        assertEquals("no OpenCL platform installed", noPlatform.reason());

        Availability withDevice = OpenClBackendProvider.availabilityFor(
                OpenClProbe.found(List.of(OpenClPlatformsTest.device("pthread-fake", DeviceKind.CPU))));
        assertFalse(withDevice.isAvailable());
        assertTrue(withDevice.reason().matches(
                "OpenCL kernels are not implemented yet \\(found 1 device: opencl:0 pthread-fake \\(CPU, .*\\) on Fake Platform\\)"),
                withDevice.reason());
    }

    @Test
    void openFailsWithTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> provider.open(0));
        assertTrue(e.getMessage().contains(provider.availability().reason()), e.getMessage());
        assertTrue(e.getMessage().contains("opencl:0"), e.getMessage());
    }

    @Test
    void listsNoOpenableDevicesWhileUnavailableButReportsWhatItDetected() {
        assertEquals(List.of(), provider.devices());
        assertEquals(OpenClPlatforms.probe().deviceInfos(), provider.detectedDevices());
    }

    @Test
    void detectsTheMachinesDevices() {
        OpenClProbe probe = OpenClTestSupport.requireDevices();
        assertFalse(provider.detectedDevices().isEmpty());
        int index = provider.defaultDeviceIndex();
        assertTrue(index >= 0 && index < probe.devices().size());
    }
}
