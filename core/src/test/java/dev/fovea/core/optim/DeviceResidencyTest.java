package dev.fovea.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fovea.api.Tensor;
import dev.fovea.api.backend.Backend;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.device.Devices;
import dev.fovea.core.tensor.Tensors;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Optimizer steps stay on the device: no uploads or downloads; clipping downloads the norm only. */
class DeviceResidencyTest {
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    private BackendDevice countingDevice() {
        Backend cpu = ((BackendDevice) Devices.get("cpu")).backend();
        Backend counting = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new BackendDevice(counting);
    }

    private int count(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    @Test
    void stepsDoNoHostTransfers() {
        BackendDevice device = countingDevice();
        Tensor w = Tensors.of(device, new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensors.of(device, new float[] {0.5f, -0.5f}, 2).requiresGrad(true);
        Tensor x = Tensors.of(device, new float[] {1, -1, 2}, 3);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("0.weight", w);
        params.put("0.bias", b);
        for (AbstractOptimizer opt : List.of(
                Sgd.momentum(0.9).lr(0.01).nesterov(true).weightDecay(1e-3).over(params),
                Adam.lr(1e-3).amsgrad(true).weightDecay(1e-2).over(params),
                AdamW.lr(1e-3).over(params),
                RmsProp.lr(1e-3).momentum(0.5).centered(true).weightDecay(1e-2).over(params))) {
            for (int t = 0; t < 3; t++) {
                opt.zeroGrad();
                w.matmul(x).add(b).square().sum().backward();
                calls.clear();
                opt.step();
                assertEquals(0, count("upload"), opt.type() + " step uploaded");
                assertEquals(0, count("download"), opt.type() + " step downloaded");
            }
        }
        calls.clear();
        GradClip.clipByNorm(params, 1e-3);
        assertEquals(1, count("download"), "clipByNorm downloads the norm, nothing else");
        assertEquals(0, count("upload"));
        calls.clear();
        GradClip.clipByNormOnDevice(params, 1e-3).close();
        assertEquals(0, count("download"), "the on-device variant decides on the device");
        assertEquals(0, count("upload"));
        assertSame(device, w.grad().device());
    }
}
