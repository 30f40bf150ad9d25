package dev.fovea.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.TransferStats;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.data.InMemoryDataset;
import dev.fovea.core.device.Devices;
import dev.fovea.core.device.OpenClTesting;
import dev.fovea.core.nn.Linear;
import dev.fovea.core.nn.Losses;
import dev.fovea.core.nn.Models;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.optim.AbstractOptimizer;
import dev.fovea.core.optim.Sgd;
import dev.fovea.core.tensor.DenseTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Run-time swap: K steps on the CPU, then {@link Training#moveTo} to OpenCL and K more, against 2K
 * steps on the CPU only: the losses agree to float32 tolerance.
 */
class OpenClSwapTest {
    private static final int BATCH = 16;
    private static final int K = 6;
    /** Relative tolerance on each loss: float32 sums in another order, over 2K steps of a CNN. */
    private static final double TOLERANCE = 1e-4;

    /** Trains {@code model} on {@code data}'s epoch 0 from batch {@code from} up to {@code to}; returns the losses. */
    private static List<Double> train(Sequential model, AbstractOptimizer optimizer, DataLoader data, int from, int to) {
        List<Double> losses = new ArrayList<>();
        Trainer.epochs(1).listener(new TrainingListener() {
            private TrainingControl control;

            @Override
            public void onTrainStart(TrainingControl c) {
                control = c;
            }

            @Override
            public void onBatchEnd(BatchEvent event) {
                losses.add(event.loss());
                if (event.batchIndex() + 1 == to) {
                    control.requestStop("swap point");
                }
            }
        }).fit(model, Losses::crossEntropy, optimizer, data, null, 0, from);
        return losses;
    }

    private static boolean closed(Tensor t) {
        return ((DenseTensor) t).isClosed();
    }

    @Test
    void trainingContinuesOnOpenClAfterTheSwapAsOnTheCpu() {
        Device opencl = OpenClTesting.requireOpenCl();
        Device cpu = Devices.get("cpu");
        InMemoryDataset dataset = OpenClResidencyTest.patterns(BATCH * 2 * K, 5);

        Sequential reference = OpenClResidencyTest.smallCnn(cpu, 11);
        AbstractOptimizer referenceOptimizer = Sgd.momentum(0.9).lr(0.05).over(reference.parameters());
        List<Double> expected = train(reference, referenceOptimizer, DataLoader.over(dataset).batchSize(BATCH)
                .shuffle(9).device(cpu), 0, 2 * K);

        Sequential model = OpenClResidencyTest.smallCnn(cpu, 11);
        AbstractOptimizer optimizer = Sgd.momentum(0.9).lr(0.05).over(model.parameters());
        List<Double> swapped = new ArrayList<>(train(model, optimizer, DataLoader.over(dataset).batchSize(BATCH)
                .shuffle(9).device(cpu), 0, K));
        Map<String, Tensor> cpuParameters = model.parameters();
        Map<String, Tensor> cpuBuffers = model.buffers();
        TransferStats beforeSwap = OpenClTesting.stats(opencl);

        AbstractOptimizer moved = Training.moveTo(model, optimizer, opencl);

        TransferStats afterSwap = OpenClTesting.stats(opencl);
        assertNotSame(optimizer, moved);
        assertEquals(optimizer.steps(), moved.steps());
        assertEquals(cpuParameters.size() + cpuBuffers.size() + cpuParameters.size(),
                afterSwap.since(beforeSwap).uploads(), "each parameter, buffer and momentum buffer uploaded once");
        assertEquals(0, afterSwap.since(beforeSwap).downloads());
        model.parameters().forEach((name, p) -> {
            assertSame(opencl, p.device(), name);
            assertTrue(p.requiresGrad(), name);
            assertSame(p, moved.namedParameters().get(name), "the optimizer updates the moved " + name);
            assertTrue(closed(cpuParameters.get(name)), "the CPU copy of " + name + " is released");
        });
        model.buffers().forEach((name, b) -> {
            assertSame(opencl, b.device(), name);
            assertTrue(closed(cpuBuffers.get(name)), "the CPU copy of buffer " + name + " is released");
        });
        assertEquals(List.copyOf(cpuParameters.keySet()), List.copyOf(model.parameters().keySet()), "names and order");

        swapped.addAll(train(model, moved, DataLoader.over(dataset).batchSize(BATCH).shuffle(9).device(opencl), K,
                2 * K));
        assertEquals(2 * K, swapped.size());
        double maxRelative = 0;
        for (int i = 0; i < 2 * K; i++) {
            double relative = Math.abs(swapped.get(i) - expected.get(i)) / Math.abs(expected.get(i));
            maxRelative = Math.max(maxRelative, relative);
            if (i < K) {
                assertEquals(expected.get(i), swapped.get(i), "before the swap both runs are the same CPU run");
            }
        }
        System.out.printf("OpenCL swap after %d of %d steps: max relative loss difference %.3g%n  reference %s%n"
                + "  swapped   %s%n", K, 2 * K, maxRelative, expected, swapped);
        assertTrue(maxRelative < TOLERANCE, "losses after the swap differ by up to " + maxRelative);
        assertTrue(swapped.get(2 * K - 1) < swapped.get(0), "it keeps learning on OpenCL: " + swapped);

        // And back: the model returns to the CPU; the OpenCL copies are released.
        TransferStats onDevice = OpenClTesting.stats(opencl);
        AbstractOptimizer back = Training.moveTo(model, moved, cpu);
        model.parameters().values().forEach(p -> assertSame(cpu, p.device()));
        TransferStats released = OpenClTesting.stats(opencl);
        assertTrue(released.bytesInUse() < onDevice.bytesInUse(), "OpenCL memory released: " + onDevice + " -> "
                + released);
        assertEquals(moved.steps(), back.steps());
    }

    @Test
    void movingRefusesAnOptimizerOverTensorsOutsideTheModel() {
        Device cpu = Devices.get("cpu");
        Sequential model = Sequential.of(Linear.of(2, 2)).init(cpu, 1);
        Sequential other = Sequential.of(Linear.of(2, 2)).init(cpu, 2);
        AbstractOptimizer foreign = Sgd.lr(0.1).over(other.parameters());
        var e = assertThrows(IllegalArgumentException.class, () -> Training.moveTo(model, foreign, cpu));
        assertTrue(e.getMessage().contains("not a parameter of the model"), e.getMessage());
        assertFalse(closed(other.parameters().values().iterator().next()));
        assertSame(model, Models.moveTo(model, cpu), "moving to the device it is on changes nothing");
        assertFalse(closed(model.parameters().values().iterator().next()));
    }
}
