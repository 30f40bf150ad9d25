package dev.fovea.core.io;

import java.nio.file.Path;

/**
 * Run in a fresh JVM by {@link CheckpointTest}: loads the checkpoint {@code args[0]}, trains to
 * {@code args[2]} epochs in total and saves a checkpoint into {@code args[1]}. Nothing of the parent's
 * objects, registries or caches exists here - only the files.
 */
public final class ResumeMain {
    private ResumeMain() {}

    public static void main(String[] args) throws Exception {
        Checkpoint c = Checkpoint.load(Path.of(args[0]), IoTesting.cpu());
        var schedule = ResumeRecipe.schedule(c.optimizer());
        c.restoreScheduler(schedule);
        if (c.progress().dataSeed() != ResumeRecipe.DATA_SEED || c.progress().batch() != 0) {
            throw new IllegalStateException("unexpected progress " + c.progress());
        }
        int total = Integer.parseInt(args[2]);
        ResumeRecipe.train(c.model(), c.optimizer(), schedule, c.progress().epoch(), total);
        ResumeRecipe.save(Path.of(args[1]), c.model(), c.optimizer(), schedule, total);
        System.out.println("resumed at epoch " + c.progress().epoch() + ", trained to " + total);
    }
}
