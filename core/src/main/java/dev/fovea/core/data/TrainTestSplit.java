package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import java.util.Arrays;

/**
 * A dataset divided into a training part and a held-out test part.
 *
 * @param train the examples to fit on
 * @param test the examples to evaluate on
 */
public record TrainTestSplit(Dataset train, Dataset test) {
    /** Separates split streams from other streams keyed by the same seed. */
    static final long STREAM = 0x5350_4C49_5431_0000L; // "SPLIT1"

    public TrainTestSplit {
        Preconditions.checkNotNull(train, "train");
        Preconditions.checkNotNull(test, "test");
    }

    /**
     * A seeded split that keeps every class's proportion: for each class {@code c} with {@code n_c}
     * examples, {@code round(testFraction * n_c)} of them, chosen by a Fisher–Yates shuffle of the
     * class's indices with {@code SeededRandom.of(STREAM, seed, c)}, go to the test part. Both parts
     * list their examples in the original order.
     */
    public static TrainTestSplit stratified(Dataset dataset, double testFraction, long seed) {
        Preconditions.checkNotNull(dataset, "dataset");
        Preconditions.checkArgument(testFraction >= 0 && testFraction <= 1,
                "testFraction must be in [0, 1], got %s", testFraction);
        int n = dataset.size();
        int classes = dataset.numClasses();
        int[] counts = new int[classes];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = dataset.label(i);
            Preconditions.checkState(label >= 0 && label < classes,
                    "example %s has label %s outside [0, %s)", i, label, classes);
            labels[i] = label;
            counts[label]++;
        }
        boolean[] isTest = new boolean[n];
        for (int c = 0; c < classes; c++) {
            int[] members = new int[counts[c]];
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (labels[i] == c) {
                    members[m++] = i;
                }
            }
            SeededRandom rng = SeededRandom.of(STREAM, seed, c);
            for (int i = members.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = members[i];
                members[i] = members[j];
                members[j] = t;
            }
            int take = (int) Math.round(testFraction * members.length);
            for (int k = 0; k < take; k++) {
                isTest[members[k]] = true;
            }
        }
        int[] train = new int[n];
        int[] test = new int[n];
        int nTrain = 0;
        int nTest = 0;
        for (int i = 0; i < n; i++) {
            if (isTest[i]) {
                test[nTest++] = i;
            } else {
                train[nTrain++] = i;
            }
        }
        return new TrainTestSplit(
                dataset.subset(Arrays.copyOf(train, nTrain)), dataset.subset(Arrays.copyOf(test, nTest)));
    }
}
