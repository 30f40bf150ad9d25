package dev.fovea.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fovea.api.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetsTest {
    private static final Path FASHION = Path.of(Datasets.FASHION_MNIST_DIR);

    /** Skips loudly outside CI; in CI (where .ci/run installs the package) a missing dataset fails. */
    static void requireFashionMnist() {
        if (Files.isDirectory(FASHION)) {
            return;
        }
        String why = FASHION + " does not exist: install it with `apt-get install dataset-fashion-mnist`";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + why + " (.ci/run should have installed it)");
        }
        System.err.println("*** SKIPPING Fashion-MNIST test: " + why + " ***");
        assumeTrue(false, why);
    }

    @Test
    void fashionMnistTestSplitLoads() throws IOException {
        requireFashionMnist();
        InMemoryDataset test = Datasets.fashionMnist(null, Split.TEST);
        assertEquals(10_000, test.size());
        assertEquals(Shape.of(1, 28, 28), test.exampleShape());
        assertEquals(10, test.numClasses());
        // Fashion-MNIST's test split is balanced: 1,000 per class.
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
                test.classCounts());
        float[] x = new float[784 * 10_000];
        int[] y = new int[10_000];
        test.copyBatch(Shuffle.identity(10_000), 0, 10_000, x, y);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        // The first test image is an ankle boot (label 9), as in every Fashion-MNIST reader.
        assertEquals(9, y[0]);
        assertEquals(2, y[1]);
        assertEquals(1, y[2]);
        // Test-split statistics (the training split's are the familiar 0.2860 / 0.3530).
        Normalize stats = Normalize.fit(test);
        assertEquals(0.2868, stats.mean().get(0), 0.001);
        assertEquals(0.3524, stats.std().get(0), 0.001);
    }

    @Test
    void fashionMnistTrainStatisticsMatchTheKnownValues() throws IOException {
        requireFashionMnist();
        InMemoryDataset train = Datasets.fashionMnist(Path.of(Datasets.FASHION_MNIST_DIR), Split.TRAIN);
        assertEquals(60_000, train.size());
        Normalize stats = Normalize.fit(train);
        assertEquals(0.2860, stats.mean().get(0), 0.0001);
        assertEquals(0.3530, stats.std().get(0), 0.0001);
    }

    @Test
    void digitsHas1797ExamplesInTenClassesWithTheKnownDistribution() {
        InMemoryDataset digits = Datasets.digits();
        assertEquals(1797, digits.size());
        assertEquals(Shape.of(1, 8, 8), digits.exampleShape());
        assertEquals(10, digits.numClasses());
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, digits.classCounts());
        float[] first = new float[64];
        digits.copyExample(0, first, 0);
        // First CSV line: 0,0,5,13,9,1,0,0, ... label 0; values are divided by 16.
        assertArrayEquals(new float[] {0, 0, 5 / 16f, 13 / 16f, 9 / 16f, 1 / 16f, 0, 0},
                java.util.Arrays.copyOf(first, 8));
        assertEquals(0, digits.label(0));
        assertEquals(1, digits.label(1));
        assertEquals(2, digits.label(2));
        float[] all = new float[1797 * 64];
        digits.copyBatch(Shuffle.identity(1797), 0, 1797, all, null);
        float max = 0;
        for (float v : all) {
            assertTrue(v >= 0 && v <= 1, "value " + v);
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
        assertTrue(Datasets.digits() == digits, "digits() is read once");
    }

    @Test
    void digitsNoticeShipsBesideTheData() throws IOException {
        try (var in = Datasets.class.getResourceAsStream("DIGITS-NOTICE.txt")) {
            String notice = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(notice.contains("CC BY 4.0") && notice.contains("Alpaydin") && notice.contains("Kaynak"));
        }
    }

    @Test
    void digitsSplitIsSeededStratifiedAndDisjoint() {
        TrainTestSplit a = Datasets.digitsSplit(7, 0.2);
        TrainTestSplit b = Datasets.digitsSplit(7, 0.2);
        TrainTestSplit c = Datasets.digitsSplit(8, 0.2);
        assertEquals(1797, a.train().size() + a.test().size());
        // Per class round(0.2 * n): 36+36+35+37+36+36+36+36+35+36 = 359.
        assertEquals(359, a.test().size());
        int[] testCounts = ((InMemoryDataset) a.test()).classCounts();
        assertArrayEquals(new int[] {36, 36, 35, 37, 36, 36, 36, 36, 35, 36}, testCounts);
        assertArrayEquals(examples(a.test()), examples(b.test()), "same seed, same split");
        assertNotEquals(java.util.Arrays.hashCode(examples(a.test())), java.util.Arrays.hashCode(examples(c.test())),
                "another seed, another split");
        // Disjoint: no test image is also a training image (the 1,797 rows of digits are all distinct).
        Set<String> train = new HashSet<>();
        float[] row = new float[64];
        for (int i = 0; i < a.train().size(); i++) {
            a.train().copyExample(i, row, 0);
            train.add(java.util.Arrays.toString(row) + a.train().label(i));
        }
        int shared = 0;
        for (int i = 0; i < a.test().size(); i++) {
            a.test().copyExample(i, row, 0);
            if (train.contains(java.util.Arrays.toString(row) + a.test().label(i))) {
                shared++;
            }
        }
        assertEquals(0, shared, "test examples that also appear in the training part");
    }

    private static float[] examples(Dataset d) {
        float[] x = new float[d.size() * d.exampleSize()];
        d.copyBatch(Shuffle.identity(d.size()), 0, d.size(), x, null);
        return x;
    }
}
