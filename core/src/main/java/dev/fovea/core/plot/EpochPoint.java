package dev.fovea.core.plot;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One epoch's numbers for {@link Charts#trainingCurves(java.util.List, java.nio.file.Path)}.
 *
 * @param epoch the epoch number (usually from 1)
 * @param trainLoss the mean training loss of the epoch; NaN or infinite (a diverged run) is drawn as a
 *     gap in the curve
 * @param testAccuracy the fraction of test examples classified correctly, in {@code [0, 1]}, or NaN when
 *     it was not measured this epoch
 */
public record EpochPoint(int epoch, double trainLoss, double testAccuracy) {
    public EpochPoint {
        checkArgument(epoch >= 0, "epoch must be >= 0, got %s", epoch);
        checkArgument(Double.isNaN(testAccuracy) || (testAccuracy >= 0 && testAccuracy <= 1),
                "test accuracy %s at epoch %s is outside [0, 1]; pass a fraction (0.98), not a percentage",
                (Object) testAccuracy, (Object) epoch);
    }

    /** An epoch without a test measurement. */
    public static EpochPoint trainOnly(int epoch, double trainLoss) {
        return new EpochPoint(epoch, trainLoss, Double.NaN);
    }
}
