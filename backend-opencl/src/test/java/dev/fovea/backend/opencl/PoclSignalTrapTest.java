package dev.fovea.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.junit.jupiter.api.Test;

/**
 * Guards the build's cure for PoCL's signal trap: once a PoCL context exists, its SIGFPE handler
 * makes Java's integer division by zero stop throwing unless the JVM runs with libjsig preloaded
 * (Surefire's {@code LD_PRELOAD}, see docs/opencl.md).
 */
class PoclSignalTrapTest {

    @Test
    void integerDivisionByZeroStillThrowsOnceAContextExists() {
        OpenClPlatforms.probe();
        OpenClTestSupport.requireDevices();
        cl_context context = createContextOnFirstDevice();
        try {
            int zero = Integer.parseInt("0");
            assertThrows(ArithmeticException.class, () -> System.out.println(1 / zero),
                    "integer division by zero did not throw: PoCL's SIGFPE handler is active; "
                            + "start the JVM with LD_PRELOAD=$JAVA_HOME/lib/libjsig.so (LD_PRELOAD is now '"
                            + System.getenv("LD_PRELOAD") + "')");
        } finally {
            CL.clReleaseContext(context);
        }
    }

    @Test
    void testJvmsRunWithLibjsigAndUniqueJoclLibraryNames() {
        String preload = String.valueOf(System.getenv("LD_PRELOAD"));
        assertTrue(preload.contains("libjsig.so"), "LD_PRELOAD is '" + preload + "'");
        assertEquals("true", System.getProperty("uniqueLibraryNames"));
    }

    private static cl_context createContextOnFirstDevice() {
        cl_platform_id[] platforms = new cl_platform_id[1];
        int[] count = new int[1];
        CL.clGetPlatformIDs(1, platforms, count);
        cl_device_id[] devices = new cl_device_id[1];
        CL.clGetDeviceIDs(platforms[0], CL.CL_DEVICE_TYPE_ALL, 1, devices, null);
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL.CL_CONTEXT_PLATFORM, platforms[0]);
        int[] status = new int[1];
        cl_context context = CL.clCreateContext(properties, 1, devices, null, null, status);
        assertEquals(CL.CL_SUCCESS, status[0], "clCreateContext");
        return context;
    }
}
