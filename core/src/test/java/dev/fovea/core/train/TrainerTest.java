package dev.fovea.core.train;

import static dev.fovea.core.train.TrainFixtures.CPU;
import static dev.fovea.core.train.TrainFixtures.blobs;
import static dev.fovea.core.train.TrainFixtures.hostAccuracy;
import static dev.fovea.core.train.TrainFixtures.loader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Layer;
import dev.fovea.api.Tensor;
import dev.fovea.core.data.Batch;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.data.InMemoryDataset;
import dev.fovea.core.tensor.DenseTensor;
import dev.fovea.core.tensor.Tensors;
import dev.fovea.core.train.TrainFixtures.ForwardCall;
import dev.fovea.core.train.TrainFixtures.TestSgd;
import dev.fovea.core.train.TrainFixtures.TinyLinear;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static final InMemoryDataset TRAIN = blobs(300, 1);
    private static final InMemoryDataset TEST = blobs(90, 2);

    @Test
    void trainsSeparableBlobsToHighAccuracyWithFallingLoss() {
        TinyLinear model = new TinyLinear(2, 3, 7);
        TestSgd sgd = new TestSgd(model, 0.5);
        DataLoader train = loader(TRAIN, 32).shuffle(11);
        DataLoader test = loader(TEST, 32);

        TrainingResult result = Trainer.epochs(4).fit(model, TrainFixtures::crossEntropy, sgd, train, test);

        assertEquals(TrainingResult.StopCause.COMPLETED, result.stopCause());
        assertFalse(result.stoppedEarly());
        assertEquals("completed 4 epochs", result.stopReason());
        assertEquals(4, result.epochs().size());
        assertEquals(4 * train.batchesPerEpoch(), sgd.steps);
        List<EpochMetrics> epochs = result.epochs();
        for (int e = 0; e < 4; e++) {
            EpochMetrics m = epochs.get(e);
            assertEquals(e, m.epoch());
            assertEquals(300, m.trainSamples());
            assertTrue(m.samplesPerSecond() > 0, "samples/s " + m.samplesPerSecond());
            assertTrue(m.seconds() > 0);
            assertEquals(0.5, m.learningRate());
            assertTrue(m.validated());
        }
        assertTrue(epochs.get(3).trainLoss() < epochs.get(0).trainLoss() * 0.5,
                "train loss should fall: " + epochs.get(0).trainLoss() + " -> " + epochs.get(3).trainLoss());
        assertTrue(epochs.get(3).validationLoss() < epochs.get(0).validationLoss());
        EpochMetrics last = result.last().orElseThrow();
        assertTrue(last.validationAccuracy() > 0.95, "validation accuracy " + last.validationAccuracy());
        assertTrue(last.trainAccuracy() > 0.9, "train accuracy " + last.trainAccuracy());
        // The reported validation accuracy is exactly what the final weights give (computed on the host).
        assertEquals(hostAccuracy(model, TEST), last.validationAccuracy(), 1e-12);
        // The best epoch is judged by validation loss by default.
        assertEquals("validation loss", result.bestBy());
        double minValLoss = epochs.stream().mapToDouble(EpochMetrics::validationLoss).min().orElseThrow();
        assertEquals(minValLoss, result.best().orElseThrow().validationLoss());
    }

    @Test
    void validationLossIsTheSampleWeightedMeanOfTheBatchLosses() {
        TinyLinear model = new TinyLinear(2, 3, 3);
        // 90 examples in batches of 40: 40, 40, 10 -> a plain mean of batch means would differ.
        DataLoader test = loader(TEST, 40);
        TrainingResult result = Trainer.epochs(1)
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.1), loader(TRAIN, 100), test);
        double expected;
        try (Tensor x = Tensors.of(CPU, allExamples(TEST), TEST.size(), 1, 2);
                Tensor y = Tensors.ofInts(CPU, allLabels(TEST), TEST.size());
                Tensor logits = x.flatten(1).matmul(model.weight).add(model.bias);
                Tensor loss = TrainFixtures.crossEntropy(logits, y)) {
            expected = loss.item();
        }
        assertEquals(expected, result.epochs().get(0).validationLoss(), 1e-5);
    }

    @Test
    void listenersSeeEveryEventInOrder() {
        TinyLinear model = new TinyLinear(2, 3, 5);
        DataLoader train = loader(blobs(100, 3), 32); // 32, 32, 32, 4
        List<String> events = new ArrayList<>();
        List<BatchEvent> batches = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onTrainStart(TrainingControl control) {
                events.add("start " + control.totalEpochs() + "x" + control.batchesPerEpoch());
            }

            @Override
            public void onEpochStart(int epoch) {
                events.add("epoch " + epoch);
            }

            @Override
            public void onBatchEnd(BatchEvent event) {
                events.add("batch " + event.epoch() + "." + event.batchIndex());
                batches.add(event);
            }

            @Override
            public void onEpochEnd(EpochMetrics metrics) {
                events.add("end " + metrics.epoch());
            }

            @Override
            public void onTrainEnd(TrainingResult result) {
                events.add("done " + result.epochs().size());
            }

            @Override
            public void onTrainError(RuntimeException error) {
                events.add("error");
            }
        };
        List<String> second = new ArrayList<>();
        Trainer.epochs(3)
                .listener(recorder)
                .listener(TrainingListener.everyEpoch(() -> second.add("epoch")))
                .listener(TrainingListener.everyBatch(() -> second.add("batch")))
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.1), train, null);

        List<String> expected = new ArrayList<>(List.of("start 3x4"));
        for (int e = 0; e < 3; e++) {
            expected.add("epoch " + e);
            for (int b = 0; b < 4; b++) {
                expected.add("batch " + e + "." + b);
            }
            expected.add("end " + e);
        }
        expected.add("done 3");
        assertEquals(expected, events);
        assertEquals(12, second.stream().filter("batch"::equals).count());
        assertEquals(3, second.stream().filter("epoch"::equals).count());
        for (int i = 0; i < batches.size(); i++) {
            BatchEvent b = batches.get(i);
            assertEquals(i + 1, b.step());
            assertEquals(4, b.batchesPerEpoch());
            assertEquals(b.batchIndex() == 3 ? 4 : 32, b.batchSize());
            assertTrue(Double.isFinite(b.loss()) && b.loss() > 0);
            assertTrue(b.samplesPerSecond() > 0);
        }
    }

    @Test
    void validationRunsInEvaluationModeWithoutGradientsAndRestoresTheMode() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        model.setTraining(false); // fit must train in training mode, then give this mode back
        DataLoader train = loader(blobs(64, 4), 32); // 2 batches
        DataLoader val = loader(blobs(48, 5), 32); // 2 batches: 32, 16
        List<Boolean> modeInEpochEnd = new ArrayList<>();
        Trainer.epochs(2)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(EpochMetrics metrics) {
                        modeInEpochEnd.add(model.isTraining());
                    }
                })
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.1), train, val);

        List<ForwardCall> calls = model.calls;
        assertEquals(8, calls.size());
        for (int e = 0; e < 2; e++) {
            for (int i = 0; i < 2; i++) {
                ForwardCall t = calls.get(e * 4 + i);
                assertTrue(t.training(), "training forward " + i + " of epoch " + e + " must be in training mode");
                assertFalse(t.noGrad(), "training forward must record a graph");
                ForwardCall v = calls.get(e * 4 + 2 + i);
                assertFalse(v.training(), "validation forward must be in evaluation mode");
                assertTrue(v.noGrad(), "validation forward must run under NoGrad");
            }
            assertEquals(32, calls.get(e * 4 + 2).batchSize());
            assertEquals(16, calls.get(e * 4 + 3).batchSize());
        }
        assertEquals(List.of(true, true), modeInEpochEnd, "training mode is restored after validation");
        assertFalse(model.isTraining(), "the model's mode from before fit is restored");
    }

    @Test
    void evaluateEveryValidatesOnlyWhenDueAndAfterTheLastEpoch() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        TrainingResult result = Trainer.epochs(5).evaluateEvery(2)
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.1), loader(TRAIN, 64), loader(TEST, 64));
        boolean[] validated = new boolean[5];
        for (EpochMetrics m : result.epochs()) {
            validated[m.epoch()] = m.validated();
            assertEquals(m.validated(), !Double.isNaN(m.validationAccuracy()));
        }
        assertArrayEquals(new boolean[] {false, true, false, true, true}, validated);
    }

    @Test
    void closesBatchesOutputsAndLosses() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        List<Tensor> losses = new ArrayList<>();
        LossFunction keepingLoss = (out, labels) -> {
            Tensor l = TrainFixtures.crossEntropy(out, labels);
            losses.add(l);
            return l;
        };
        Trainer.epochs(2).fit(model, keepingLoss, new TestSgd(model, 0.1), loader(TRAIN, 64), loader(TEST, 64));
        assertEquals(2 * (5 + 2), model.inputsSeen.size());
        for (Tensor t : model.inputsSeen) {
            assertTrue(((DenseTensor) t).isClosed(), "batch inputs are closed after their step");
        }
        for (Tensor t : model.outputsReturned) {
            assertTrue(((DenseTensor) t).isClosed(), "model outputs are closed after their step");
        }
        for (Tensor t : losses) {
            assertTrue(((DenseTensor) t).isClosed(), "losses are closed after their step");
        }
        assertFalse(((DenseTensor) model.weight).isClosed());
    }

    @Test
    void aNanLossStopsTrainingWithWhereAndWhatToChange() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        TestSgd sgd = new TestSgd(model, 0.5);
        AtomicInteger calls = new AtomicInteger();
        LossFunction nanAtStep7 = (out, labels) -> {
            Tensor l = TrainFixtures.crossEntropy(out, labels);
            return calls.incrementAndGet() == 7 ? l.mul(Double.NaN) : l;
        };
        float[][] weightsAfterStep6 = new float[1][];
        List<String> events = new ArrayList<>();
        Trainer trainer = Trainer.epochs(3).listener(new TrainingListener() {
            @Override
            public void onBatchEnd(BatchEvent event) {
                if (event.step() == 6) {
                    weightsAfterStep6[0] = model.weights();
                }
            }

            @Override
            public void onTrainEnd(TrainingResult result) {
                events.add("end");
            }

            @Override
            public void onTrainError(RuntimeException error) {
                events.add("error " + error.getClass().getSimpleName());
            }
        });
        // 100 examples in batches of 32: 4 batches per epoch, so step 7 is epoch index 1, batch index 2.
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.fit(model,
                nanAtStep7, sgd, loader(blobs(100, 3), 32), null));
        assertEquals(1, e.epoch());
        assertEquals(2, e.batchIndex());
        assertEquals(7, e.step());
        assertTrue(Double.isNaN(e.loss()));
        assertEquals(0.5, e.learningRate());
        String message = e.getMessage();
        assertTrue(message.contains("loss is NaN at epoch 2/3 (epoch index 1), batch 3/4 (batch index 2), step 7"),
                message);
        assertTrue(message.contains("lower the learning rate (now 0.5)"), message);
        assertTrue(message.contains("enable gradient clipping"), message);
        assertTrue(message.contains("inputs are normalized"), message);
        assertEquals(6, sgd.steps, "the NaN step must not update the weights");
        assertArrayEquals(weightsAfterStep6[0], model.weights());
        assertEquals(List.of("error TrainingDivergedException"), events);
    }

    @Test
    void aHugeLearningRateIsReportedAsDivergence() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Trainer.epochs(5)
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 1e38), loader(TRAIN, 32), null));
        assertTrue(e.getMessage().contains("lower the learning rate (now 1e+38)"), e.getMessage());
        assertTrue(e.step() >= 2, "the first loss is finite; got step " + e.step());
    }

    @Test
    void resumesAtAnEpochWithThatEpochsDataOrder() {
        InMemoryDataset data = blobs(96, 6);
        DataLoader train = loader(data, 32).shuffle(42);
        TinyLinear model = new TinyLinear(2, 3, 9);
        List<Integer> epochsStarted = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        TrainingResult result = Trainer.epochs(4)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochStart(int epoch) {
                        epochsStarted.add(epoch);
                    }

                    @Override
                    public void onBatchEnd(BatchEvent event) {
                        steps.add(event.step());
                    }
                })
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.1), train, null, 2);

        assertEquals(List.of(2, 3), epochsStarted);
        assertEquals(List.of(2, 3), result.epochs().stream().map(EpochMetrics::epoch).toList());
        assertEquals(List.of(7L, 8L, 9L, 10L, 11L, 12L), steps);
        assertEquals(firstInputs(train, 2, 0), firstValues(model.calls.subList(0, 3)));
        assertEquals(firstInputs(train, 3, 0), firstValues(model.calls.subList(3, 6)));
    }

    @Test
    void resumesMidEpochAtTheGivenBatch() {
        DataLoader train = loader(blobs(96, 6), 32).shuffle(42);
        TinyLinear model = new TinyLinear(2, 3, 9);
        List<String> batches = new ArrayList<>();
        TrainingResult result = Trainer.epochs(3)
                .listener(TrainingListener.everyBatch(() -> { }))
                .listener(new TrainingListener() {
                    @Override
                    public void onBatchEnd(BatchEvent event) {
                        batches.add(event.epoch() + "." + event.batchIndex() + "@" + event.step());
                    }
                })
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.1), train, null, 1, 2);
        assertEquals(List.of("1.2@6", "2.0@7", "2.1@8", "2.2@9"), batches);
        assertEquals(32, result.epochs().get(0).trainSamples(), "the resumed epoch covers only its remaining batch");
        assertEquals(firstInputs(train, 1, 2), firstValues(model.calls.subList(0, 1)));
    }

    @Test
    void aListenerCanStopTheRunAfterTheCurrentBatch() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        TestSgd sgd = new TestSgd(model, 0.1);
        TrainingResult result = Trainer.epochs(10)
                .listener(new TrainingListener() {
                    private TrainingControl control;

                    @Override
                    public void onTrainStart(TrainingControl c) {
                        control = c;
                    }

                    @Override
                    public void onBatchEnd(BatchEvent event) {
                        if (event.step() == 6) {
                            control.requestStop("time budget spent");
                        }
                    }
                })
                .fit(model, TrainFixtures::crossEntropy, sgd, loader(blobs(100, 3), 32), loader(TEST, 64));
        assertEquals(6, sgd.steps);
        assertEquals(TrainingResult.StopCause.REQUESTED, result.stopCause());
        assertEquals("stopped by a listener: time budget spent", result.stopReason());
        assertEquals(2, result.epochs().size());
        EpochMetrics partial = result.epochs().get(1);
        assertEquals(64, partial.trainSamples());
        assertTrue(partial.validated(), "the interrupted epoch is still validated");
    }

    @Test
    void extraMetricsTravelWithTheLoss() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        TrainingResult result = Trainer.epochs(2).metric("ce", TrainFixtures::crossEntropy)
                .metric("bias_sq", (out, labels) -> out.mul(0).sum().add(1.5))
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.1), loader(TRAIN, 64), loader(TEST, 64));
        for (EpochMetrics m : result.epochs()) {
            assertEquals(m.trainLoss(), m.metric("ce"), 1e-6);
            assertEquals(m.validationLoss(), m.metric("val_ce"), 1e-6);
            assertEquals(1.5, m.metric("bias_sq"), 1e-6);
            assertEquals(1.5, m.metric("val_bias_sq"), 1e-6);
            assertTrue(Double.isNaN(m.metric("absent")));
        }
    }

    @Test
    void accuracyIsNaNWhenTheOutputIsNotClassScores() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        Layer flat = new Layer() {
            @Override
            public Tensor forward(Tensor input) {
                return model.forward(input).reshape(-1);
            }

            @Override
            public Map<String, Layer> children() {
                return Map.of("inner", model);
            }

            @Override
            public boolean isTraining() {
                return model.isTraining();
            }

            @Override
            public void setTraining(boolean training) {
                model.setTraining(training);
            }
        };
        LossFunction meanSquare = (out, labels) -> out.square().mean();
        TrainingResult result = Trainer.epochs(1)
                .fit(flat, meanSquare, new TestSgd(model, 0.01), loader(TRAIN, 64), loader(TEST, 64));
        EpochMetrics m = result.epochs().get(0);
        assertTrue(Double.isNaN(m.trainAccuracy()));
        assertTrue(Double.isNaN(m.validationAccuracy()));
        assertTrue(Double.isFinite(m.trainLoss()));
    }

    @Test
    void rejectsALossThatIsNotAScalarAndBadArguments() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        TestSgd sgd = new TestSgd(model, 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.epochs(1)
                .fit(model, (out, labels) -> out, sgd, loader(TRAIN, 64), null));
        assertTrue(e.getMessage().contains("the loss function must return a one-element tensor"), e.getMessage());
        assertTrue(e.getMessage().contains("[64, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trainer.epochs(0));
        assertThrows(IllegalArgumentException.class, () -> Trainer.epochs(2)
                .fit(model, TrainFixtures::crossEntropy, sgd, loader(TRAIN, 64), null, 2));
        IllegalArgumentException noVal = assertThrows(IllegalArgumentException.class, () -> Trainer.epochs(2)
                .earlyStopping(EarlyStopping.onValidationLoss())
                .fit(model, TrainFixtures::crossEntropy, sgd, loader(TRAIN, 64), null));
        assertTrue(noVal.getMessage().contains("validation loss"), noVal.getMessage());
    }

    @Test
    void gradientClippingBoundsEachStep() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        float[] before = concat(model.weights(), model.bias.toFloatArray());
        // lr 1: the step equals the (clipped) gradient, whose global norm is at most 0.01
        Trainer.epochs(1).gradientClip(0.01)
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 1.0), loader(TRAIN, 300), null);
        float[] after = concat(model.weights(), model.bias.toFloatArray());
        double sq = 0;
        for (int i = 0; i < before.length; i++) {
            sq += (after[i] - before[i]) * (double) (after[i] - before[i]);
        }
        assertEquals(0.01, Math.sqrt(sq), 1e-5, "an unclipped first step on these blobs is far larger than 0.01");
    }

    @Test
    void resultIsImmutableAndTrainersAreReusable() {
        Trainer base = Trainer.epochs(1);
        Trainer withListener = base.listener(new TrainingListener() { });
        assertEquals(0, base.listeners().size());
        assertEquals(1, withListener.listeners().size());
        TinyLinear model = new TinyLinear(2, 3, 9);
        TrainingResult first = base.fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.1), loader(TRAIN, 64),
                null);
        TrainingResult second = base.fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.1),
                loader(TRAIN, 64), null);
        assertEquals(1, first.epochs().size());
        assertEquals(1, second.epochs().size());
        assertTrue(second.epochs().get(0).trainLoss() < first.epochs().get(0).trainLoss());
        List<EpochMetrics> epochs = first.epochs();
        assertThrows(UnsupportedOperationException.class, epochs::clear);
        assertEquals("training loss", first.bestBy());
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The first input value of each batch of {@code epoch} from {@code startBatch}, read from the loader. */
    private static List<Float> firstInputs(DataLoader loader, int epoch, int startBatch) {
        List<Float> firsts = new ArrayList<>();
        var it = loader.iterator(epoch, startBatch);
        while (it.hasNext()) {
            try (Batch b = it.next()) {
                firsts.add(b.inputs().toFloatArray()[0]);
            }
        }
        return firsts;
    }

    private static List<Float> firstValues(List<ForwardCall> calls) {
        return calls.stream().map(ForwardCall::firstInput).toList();
    }

    private static float[] allExamples(InMemoryDataset data) {
        float[] x = new float[data.size() * data.exampleSize()];
        for (int i = 0; i < data.size(); i++) {
            data.copyExample(i, x, i * data.exampleSize());
        }
        return x;
    }

    private static int[] allLabels(InMemoryDataset data) {
        int[] y = new int[data.size()];
        for (int i = 0; i < data.size(); i++) {
            y[i] = data.label(i);
        }
        return y;
    }
}
