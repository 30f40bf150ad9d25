package dev.fovea.core.io;

import dev.fovea.api.Layer;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.data.Dataset;
import dev.fovea.core.nn.Losses;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.optim.AbstractOptimizer;
import dev.fovea.core.optim.Adam;
import dev.fovea.core.optim.LrScheduler;
import dev.fovea.core.optim.StepLr;
import dev.fovea.core.train.Trainer;
import dev.fovea.core.train.TrainingListener;
import dev.fovea.core.train.TrainingResult;
import java.nio.file.Path;

/**
 * The training run of the exact-resume tests, shared by the test and the fresh JVM it starts
 * ({@link ResumeMain}): conv + BatchNorm + dropout + linear on 256 digits, Adam (weight decay, per-parameter
 * steps and two moments), a StepLr schedule stepped every epoch, a shuffled loader.
 */
final class ResumeRecipe {
    private ResumeRecipe() {}

    static final long MODEL_SEED = 11;
    static final long DATA_SEED = 23;

    static Dataset data() {
        return IoTesting.digits(256);
    }

    static DataLoader loader(long seed) {
        return IoTesting.loader(data(), seed);
    }

    static Sequential newModel() {
        return IoTesting.smallCnn().init(IoTesting.cpu(), MODEL_SEED);
    }

    static AbstractOptimizer newOptimizer(Layer model) {
        return Adam.lr(0.01).weightDecay(1e-4).over(model.parameters());
    }

    /** The schedule's settings live in code; a resumed run rebuilds it and restores its position. */
    static LrScheduler schedule(AbstractOptimizer optimizer) {
        return StepLr.of(optimizer, 1, 0.7);
    }

    /** Trains epochs {@code startEpoch .. totalEpochs - 1}. */
    static TrainingResult train(Layer model, AbstractOptimizer optimizer, LrScheduler schedule, int startEpoch,
            int totalEpochs) {
        return Trainer.epochs(totalEpochs)
                .listener(TrainingListener.everyEpoch(schedule::step))
                .fit(model, Losses::crossEntropy, optimizer, loader(DATA_SEED), null, startEpoch);
    }

    /** Saves the state after {@code finishedEpochs} epochs. */
    static void save(Path dir, Layer model, AbstractOptimizer optimizer, LrScheduler schedule, int finishedEpochs)
            throws java.io.IOException {
        Checkpoint.save(dir, model, optimizer, schedule,
                TrainingProgress.afterEpoch(finishedEpochs - 1, DATA_SEED).withStep(optimizer.steps()));
    }
}
