package com.example.swish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.autograd.GradCheck;
import dev.fovea.core.device.Devices;
import dev.fovea.core.io.ModelIo;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.tensor.Tensors;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwishTest {
    private final Device device = Devices.defaultDevice();

    @Test
    void gradientsOfInputAndBetaPassTheGradientCheck() {
        Swish swish = new Swish.Config(0.7, DType.FLOAT64).init(device, 1);
        Tensor beta = swish.parameters().get("beta");
        Tensor x = Tensors.of(device, new double[] {-2, -0.3, 0, 0.8, 3}, 5).requiresGrad(true);
        // beta as an explicit input: x * sigmoid(b * x), the layer's formula
        GradCheck.assertGradients(in -> in.get(0).mul(in.get(0).mul(in.get(1)).sigmoid()),
                List.of(x, Tensors.of(device, beta.toDoubleArray(), 1).requiresGrad(true)));
        GradCheck.assertGradients(in -> swish.forward(in.get(0)), List.of(x));
    }

    @Test
    void trainsSavesAndLoadsBack(@TempDir Path dir) throws Exception {
        double accuracy = TrainDigits.run(3, dir.resolve("model"));
        assertTrue(accuracy > 0.85, "reloaded accuracy " + accuracy);
        Sequential loaded = assertInstanceOf(Sequential.class, ModelIo.load(dir.resolve("model"), device));
        Swish swish = assertInstanceOf(Swish.class, loaded.get(2));
        assertTrue(swish.beta() != 1.0, "beta was learned and saved");
        assertEquals(List.of("1.weight", "1.bias", "2.beta", "3.weight", "3.bias"),
                List.copyOf(loaded.parameters().keySet()));
    }
}
