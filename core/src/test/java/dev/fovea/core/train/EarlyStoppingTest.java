package dev.fovea.core.train;

import static dev.fovea.core.train.TrainFixtures.blobs;
import static dev.fovea.core.train.TrainFixtures.loader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.core.data.DataLoader;
import dev.fovea.core.train.EarlyStopping.Mode;
import dev.fovea.core.train.EarlyStopping.Monitor;
import dev.fovea.core.train.TrainFixtures.TestSgd;
import dev.fovea.core.train.TrainFixtures.TinyLinear;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    private static final DataLoader TRAIN = loader(blobs(60, 1), 30);
    private static final DataLoader VAL = loader(blobs(30, 2), 30);

    /** A monitor that reads {@code script[epoch]} instead of a measured value. */
    private static Monitor scripted(Mode mode, double... script) {
        return Monitor.of("scripted value", m -> script[m.epoch()], mode);
    }

    private static TrainingResult run(int epochs, EarlyStopping stopping) {
        TinyLinear model = new TinyLinear(2, 3, 9);
        return Trainer.epochs(epochs).earlyStopping(stopping)
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.1), TRAIN, VAL);
    }

    @Test
    void stopsAfterPatienceEvaluationsWithoutImprovement() {
        // best at epoch 1; epochs 2 and 3 do not improve -> stop after epoch 3 (4 epochs run)
        TrainingResult result = run(10, EarlyStopping.on(scripted(Mode.MIN, 1.0, 0.5, 0.6, 0.55, 0.1, 0.1, 0.1,
                0.1, 0.1, 0.1)).patience(2));
        assertEquals(4, result.epochs().size());
        assertEquals(TrainingResult.StopCause.EARLY_STOPPING, result.stopCause());
        assertTrue(result.stoppedEarly());
        assertEquals(1, result.bestEpoch());
        assertEquals("scripted value", result.bestBy());
        assertEquals("early stopping: scripted value did not fall by more than 0.0 for 2 evaluations "
                + "(best 0.500000 at epoch 2)", result.stopReason());
    }

    @Test
    void anImprovementResetsThePatience() {
        // 1.0, 0.9 (best), 0.95, 0.8 (best), 0.85, 0.86 -> stop after epoch 5
        TrainingResult result = run(10, EarlyStopping.on(scripted(Mode.MIN, 1.0, 0.9, 0.95, 0.8, 0.85, 0.86, 0.1,
                0.1, 0.1, 0.1)).patience(2));
        assertEquals(6, result.epochs().size());
        assertEquals(3, result.bestEpoch());
    }

    @Test
    void minDeltaDemandsARealImprovement() {
        // improvements of 0.05 and 0.04 are below minDelta 0.1
        TrainingResult result = run(10, EarlyStopping.on(scripted(Mode.MIN, 1.0, 0.95, 0.91, 0.5, 0.4, 0.3, 0.2,
                0.1, 0.0, -1)).patience(2).minDelta(0.1));
        assertEquals(3, result.epochs().size());
        assertEquals(0, result.bestEpoch());
    }

    @Test
    void maxModeWaitsForRisingValues() {
        TrainingResult result = run(10, EarlyStopping.on(scripted(Mode.MAX, 0.5, 0.7, 0.9, 0.8, 0.9, 0.85, 0.99,
                0.99, 0.99, 0.99)).patience(3));
        assertEquals(6, result.epochs().size());
        assertEquals(2, result.bestEpoch());
        assertTrue(result.stopReason().contains("did not rise"), result.stopReason());
    }

    @Test
    void noStopWhenThePatienceRunsOutOnTheLastEpoch() {
        TrainingResult result = run(4, EarlyStopping.on(scripted(Mode.MIN, 1.0, 0.5, 0.6, 0.7)).patience(2));
        assertEquals(4, result.epochs().size());
        assertEquals(TrainingResult.StopCause.COMPLETED, result.stopCause());
    }

    @Test
    void unmeasuredEpochsNeitherImproveNorSpendPatience() {
        EarlyStopping.Tracker tracker = EarlyStopping.onValidationLoss().patience(1).tracker();
        assertNull(tracker.update(EpochMetrics.of(0, 1, 1, 0.5, 0.9)));
        assertNull(tracker.update(EpochMetrics.of(1, 1, 1, Double.NaN, Double.NaN)));
        assertNull(tracker.update(EpochMetrics.of(2, 1, 1, Double.NaN, Double.NaN)));
        assertEquals(0, tracker.bestEpoch());
        String stop = tracker.update(EpochMetrics.of(3, 1, 1, 0.6, 0.9));
        assertTrue(stop != null && stop.contains("validation loss did not fall"), stop);
    }

    @Test
    void validationAccuracyMonitorStopsOnAPlateauOfARealRun() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        // lr 0 leaves the weights alone: the validation accuracy never changes
        TrainingResult result = Trainer.epochs(20).earlyStopping(EarlyStopping.onValidationAccuracy().patience(2))
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.0), TRAIN, VAL);
        assertEquals(3, result.epochs().size());
        assertEquals(0, result.bestEpoch());
        assertEquals("validation accuracy", result.bestBy());
    }

    @Test
    void restoresTheBestEpochsWeights() {
        TinyLinear model = new TinyLinear(2, 3, 9);
        List<float[]> weightsAfter = new ArrayList<>();
        TrainingResult result = Trainer.epochs(10)
                .earlyStopping(EarlyStopping.on(scripted(Mode.MIN, 1.0, 0.5, 0.6, 0.7, 0, 0, 0, 0, 0, 0)).patience(2)
                        .restoreBestWeights())
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(EpochMetrics metrics) {
                        weightsAfter.add(model.weights());
                    }
                })
                .fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.5), TRAIN, VAL);
        assertEquals(4, result.epochs().size());
        assertEquals(1, result.bestEpoch());
        assertTrue(weightsAfter.get(1)[0] != weightsAfter.get(3)[0], "training moved the weights after epoch 1");
        assertArrayEquals(weightsAfter.get(1), model.weights());
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> EarlyStopping.onValidationLoss().patience(0));
        assertThrows(IllegalArgumentException.class, () -> EarlyStopping.onValidationLoss().minDelta(-1));
        assertEquals(Mode.MAX, EarlyStopping.onValidationLoss().mode(Mode.MAX).monitor().mode());
    }
}
