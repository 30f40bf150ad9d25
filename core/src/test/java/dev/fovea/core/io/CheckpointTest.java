package dev.fovea.core.io;

import static dev.fovea.core.io.IoTesting.assertRejected;
import static dev.fovea.core.io.IoTesting.assertSameBits;
import static dev.fovea.core.io.IoTesting.cpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Layer;
import dev.fovea.core.nn.Dropout;
import dev.fovea.core.nn.Losses;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.optim.AbstractOptimizer;
import dev.fovea.core.optim.LrScheduler;
import dev.fovea.core.optim.Sgd;
import dev.fovea.core.optim.StepLr;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.train.BatchEvent;
import dev.fovea.core.train.Trainer;
import dev.fovea.core.train.TrainingControl;
import dev.fovea.core.train.TrainingListener;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path tmp;

    /**
     * The test: 4 epochs straight versus 2 epochs, a checkpoint, and 2 more epochs in a fresh JVM
     * that sees only the files - bit-identical weights, buffers, optimizer state and dropout streams.
     */
    @Test
    void resumingInAFreshProcessGivesBitIdenticalWeights() throws Exception {
        Sequential straight = ResumeRecipe.newModel();
        AbstractOptimizer straightOptimizer = ResumeRecipe.newOptimizer(straight);
        LrScheduler straightSchedule = ResumeRecipe.schedule(straightOptimizer);
        ResumeRecipe.train(straight, straightOptimizer, straightSchedule, 0, 4);

        Sequential half = ResumeRecipe.newModel();
        AbstractOptimizer halfOptimizer = ResumeRecipe.newOptimizer(half);
        LrScheduler halfSchedule = ResumeRecipe.schedule(halfOptimizer);
        ResumeRecipe.train(half, halfOptimizer, halfSchedule, 0, 2);
        Path checkpoint = tmp.resolve("after-2");
        ResumeRecipe.save(checkpoint, half, halfOptimizer, halfSchedule, 2);

        Path resumed = tmp.resolve("after-4");
        runFreshJvm(ResumeMain.class, checkpoint.toString(), resumed.toString(), "4");

        Checkpoint c = Checkpoint.load(resumed, cpu());
        assertSameBits(straight, c.model());
        assertEquals(straightOptimizer.state(), c.optimizer().state(), "optimizer state, bit for bit");
        assertEquals(straightOptimizer.learningRate(), c.optimizer().learningRate());
        assertEquals(straightSchedule.state(), c.schedulerState());
        assertEquals(dropoutState(straight), dropoutState(c.model()));
        assertEquals(4, c.progress().epoch());
        assertEquals(straightOptimizer.steps(), c.progress().step());
        // and the run really moved: the 2-epoch weights differ from the 4-epoch ones
        assertThrows(AssertionError.class, () -> assertSameBits(straight, half));
    }

    private static RandomSource.State dropoutState(Layer model) {
        return ((Dropout) model.children().get("4")).randomSource().state();
    }

    /**
     * Runs {@code main} in a new JVM with this JVM's class path and options (the module options matter: the
     * CPU backend's SIMD kernels need {@code --add-modules jdk.incubator.vector}, and its scalar fallback
     * rounds differently); fails with its output if it fails.
     */
    static void runFreshJvm(Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-javaagent") && !option.startsWith("-agentlib") && !option.startsWith("-Xrunjdwp")) {
                command.add(option);
            }
        }
        command.add("-DuniqueLibraryNames=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the fresh JVM did not finish in 120 s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "the fresh JVM failed:\n" + text);
    }

    /** Stopping mid-epoch and resuming at the next batch is exact too (here in one process, fresh objects). */
    @Test
    void resumingMidEpochAtTheNextBatchIsExact() throws IOException {
        Sequential straight = ResumeRecipe.newModel();
        Sgd straightOptimizer = Sgd.momentum(0.9).lr(0.05).nesterov(true).over(straight.parameters());
        StepLr straightSchedule = StepLr.of(straightOptimizer, 5, 0.9);
        Trainer trainer = Trainer.epochs(2).listener(TrainingListener.everyBatch(straightSchedule::step));
        trainer.fit(straight, Losses::crossEntropy, straightOptimizer, ResumeRecipe.loader(5), null);

        Sequential first = ResumeRecipe.newModel();
        Sgd firstOptimizer = Sgd.momentum(0.9).lr(0.05).nesterov(true).over(first.parameters());
        StepLr firstSchedule = StepLr.of(firstOptimizer, 5, 0.9);
        Trainer firstTrainer = Trainer.epochs(2).listener(TrainingListener.everyBatch(firstSchedule::step))
                .listener(stopAt(1, 2));
        firstTrainer.fit(first, Losses::crossEntropy, firstOptimizer, ResumeRecipe.loader(5), null);
        Path dir = tmp.resolve("mid");
        Checkpoint.save(dir, first, firstOptimizer, firstSchedule, TrainingProgress.at(1, 3, 5)
                .withStep(firstOptimizer.steps()).withExtra("note", "mid-epoch"));

        Checkpoint c = Checkpoint.load(dir, cpu());
        assertEquals(1, c.progress().epoch());
        assertEquals(3, c.progress().batch());
        assertEquals(Map.of("note", "mid-epoch"), c.progress().extra());
        StepLr schedule = StepLr.of(c.optimizer(), 5, 0.9);
        c.restoreScheduler(schedule);
        Trainer.epochs(2).listener(TrainingListener.everyBatch(schedule::step))
                .fit(c.model(), Losses::crossEntropy, c.optimizer(), ResumeRecipe.loader(c.progress().dataSeed()), null,
                        c.progress().epoch(), c.progress().batch());
        assertSameBits(straight, c.model());
        assertEquals(straightOptimizer.state(), c.optimizer().state());
    }

    private static TrainingListener stopAt(int epoch, int batch) {
        return new TrainingListener() {
            private TrainingControl control;

            @Override
            public void onTrainStart(TrainingControl c) {
                control = c;
            }

            @Override
            public void onBatchEnd(BatchEvent e) {
                if (e.epoch() == epoch && e.batchIndex() == batch) {
                    control.requestStop("checkpoint test");
                }
            }
        };
    }

    @Test
    void aCheckpointIsAlsoAPlainSavedModelAndRecordsItsParts() throws IOException {
        Sequential model = ResumeRecipe.newModel();
        Sgd optimizer = Sgd.lr(0.1).over(model.parameters());
        Path dir = tmp.resolve("ckpt");
        Checkpoint.save(dir, model, Map.of("dataset", "digits"), optimizer, null,
                TrainingProgress.afterEpoch(0, 3).withBest(0.5, 0)
                        .withRandomStream("augment", new RandomSource.State(-7, 12)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("model.json", "model.safetensors", "optimizer.safetensors", "training.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertSameBits(model, ModelIo.load(dir, cpu()));
        Checkpoint c = Checkpoint.load(dir, cpu());
        assertNull(c.schedulerState());
        assertEquals(Map.of("dataset", "digits"), c.metadata());
        assertEquals(0.5, c.progress().bestMetric());
        assertEquals(new RandomSource.State(-7, 12), c.progress().randomStreams().get("augment"));
        assertTrue(Safetensors.read(dir.resolve(Checkpoint.OPTIMIZER_FILE)).isEmpty(), "no state before a step");
        assertThrows(IllegalStateException.class, () -> c.restoreScheduler(StepLr.of(c.optimizer(), 1, 0.5)));
    }

    @Test
    void savingRejectsAnOptimizerOverOtherTensorsOrNames() {
        Sequential model = ResumeRecipe.newModel();
        Sequential other = ResumeRecipe.newModel();
        Sgd foreign = Sgd.lr(0.1).over(other.parameters());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(
                tmp.resolve("a"), model, foreign, null, TrainingProgress.afterEpoch(0, 1)));
        assertTrue(e.getMessage().contains("is not a parameter of the model"), e.getMessage());
        Sgd renamed = Sgd.lr(0.1).over(model.parameters().values());
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(
                tmp.resolve("b"), model, renamed, null, TrainingProgress.afterEpoch(0, 1)));
        assertTrue(e.getMessage().contains("build the optimizer over model.parameters()"), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("a")) && !Files.exists(tmp.resolve("b")));
    }

    @Test
    void aCheckpointSaveThatFailsHalfwayKeepsThePreviousOne() throws IOException {
        Sequential model = ResumeRecipe.newModel();
        AbstractOptimizer optimizer = ResumeRecipe.newOptimizer(model);
        LrScheduler schedule = ResumeRecipe.schedule(optimizer);
        ResumeRecipe.train(model, optimizer, schedule, 0, 1);
        Path dir = tmp.resolve("ckpt");
        ResumeRecipe.save(dir, model, optimizer, schedule, 1);
        byte[] before = Files.readAllBytes(dir.resolve(Checkpoint.OPTIMIZER_FILE));

        ResumeRecipe.train(model, optimizer, schedule, 1, 2);
        long modelBytes = Files.size(dir.resolve(ModelIo.WEIGHTS_FILE)) + Files.size(dir.resolve(ModelIo.CONFIG_FILE));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.save(dir, model, Map.of(), optimizer, schedule,
                TrainingProgress.afterEpoch(1, ResumeRecipe.DATA_SEED), ModelIoTest.diskFullAfter(modelBytes + 500)));
        assertTrue(e.getMessage().contains("No space left"), e.getMessage());
        Checkpoint c = Checkpoint.load(dir, cpu());
        assertEquals(1, c.progress().epoch(), "the previous checkpoint is intact");
        assertEquals(new String(before, StandardCharsets.ISO_8859_1),
                new String(Files.readAllBytes(dir.resolve(Checkpoint.OPTIMIZER_FILE)), StandardCharsets.ISO_8859_1));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(dir), files.toList());
        }
    }

    @Test
    void malformedTrainingStateIsRejectedNamingTheFile() throws IOException {
        Sequential model = ResumeRecipe.newModel();
        AbstractOptimizer optimizer = ResumeRecipe.newOptimizer(model);
        LrScheduler schedule = ResumeRecipe.schedule(optimizer);
        ResumeRecipe.train(model, optimizer, schedule, 0, 1);
        Path dir = tmp.resolve("ckpt");
        ResumeRecipe.save(dir, model, optimizer, schedule, 1);
        Path json = dir.resolve(Checkpoint.TRAINING_FILE);
        String good = Files.readString(json);
        String[][] cases = {
            {good.replace("\"epoch\": 1", "\"epoch\": -1"), "progress: TrainingProgress: epoch must be >= 0"},
            {good.replace("\"epoch\": 1", "\"epoch\": 1.5"), "progress.epoch: expected an integer, got 1.5"},
            {good.replace("\"type\": \"Adam\"", "\"type\": \"Adamax\""), "unknown optimizer type 'Adamax'"},
            {good.replace("\"beta1\": 0.9", "\"beta1\": 1.5"), "the optimizer state does not load: "},
            {good.replace("\"0.weight\": [", "\"9.weight\": ["), "the optimizer updates '9.weight', which is not a "
                    + "parameter of the model"},
            {good.replaceFirst("\"4\": \\{", "\"5\": {"), "dropoutStreams names layers [5], but the model's Dropout "
                    + "layers are [4]"},
            {good.replace("\"format\": \"fovea.training\"", "\"format\": \"fovea.model\""),
                "expected \"format\": \"fovea.training\""},
        };
        for (String[] c : cases) {
            assertNotEquals(good, c[0], "the case must change the file: " + c[1]);
            Files.writeString(json, c[0]);
            assertRejected(json, c[1], () -> Checkpoint.load(dir, cpu()));
        }
        Files.writeString(json, good);
        Path state = dir.resolve(Checkpoint.OPTIMIZER_FILE);
        Map<String, TensorData> tensors = new java.util.LinkedHashMap<>(Safetensors.read(state));
        tensors.put("0.weight.exp_avg", TensorData.of(new float[3], dev.fovea.api.Shape.of(3)));
        Safetensors.write(state, tensors, Map.of());
        assertRejected(json, "state tensor '0.weight.exp_avg' has shape [3]", () -> Checkpoint.load(dir, cpu()));
    }
}
