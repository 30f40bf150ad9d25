package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import dev.fovea.api.Shape;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Named datasets.
 *
 * <ul>
 *   <li>{@link #fashionMnist} — Zalando's Fashion-MNIST, 28×28 grey clothing images in 10 classes,
 *       from {@value #FASHION_MNIST_DIR} (Debian: {@code apt-get install dataset-fashion-mnist}) or a
 *       directory you name.
 *   <li>{@link #mnist} — LeCun's handwritten digits, from a directory you name.
 *   <li>{@link #digits} — the UCI optical recognition of handwritten digits set: 1,797 8×8 images
 *       in 10 classes, bundled in this jar (CC BY 4.0, E. Alpaydin and C. Kaynak; see
 *       {@code dev/fovea/core/data/DIGITS-NOTICE.txt}), so examples and tests need no download.
 * </ul>
 */
public final class Datasets {
    /** Where the Debian package {@code dataset-fashion-mnist} installs the four IDX files. */
    public static final String FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

    /** Fashion-MNIST's class names, indexed by label. */
    public static final ImmutableList<String> FASHION_MNIST_CLASSES = ImmutableList.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The class path resource holding the digits: 1,797 lines of 64 pixel counts and a label. */
    static final String DIGITS_RESOURCE = "digits.csv.gz";

    /** Number of examples in {@link #digits()}. */
    public static final int DIGITS_SIZE = 1797;

    private Datasets() {}

    /**
     * Fashion-MNIST's training or test split: 60,000 or 10,000 images of shape {@code [1, 28, 28]},
     * pixels in {@code [0, 1]}, labels 0..9 (see {@link #FASHION_MNIST_CLASSES}).
     *
     * @param dir a directory holding the four IDX files, or {@code null} for {@value #FASHION_MNIST_DIR}
     * @throws java.nio.file.NoSuchFileException naming the missing file and how to install it
     */
    public static InMemoryDataset fashionMnist(Path dir, Split split) throws IOException {
        Path where = dir != null ? dir : Path.of(FASHION_MNIST_DIR);
        return MnistFormat.load(where, split, "Fashion-MNIST",
                "on Debian/Ubuntu run `sudo apt-get install dataset-fashion-mnist` (the files land in "
                        + FASHION_MNIST_DIR + ", which is the default), or download them from"
                        + " https://github.com/zalandoresearch/fashion-mnist and pass their directory with"
                        + " --data-dir <dir>");
    }

    /**
     * MNIST's training or test split: 60,000 or 10,000 images of shape {@code [1, 28, 28]}, pixels
     * in {@code [0, 1]}, labels 0..9.
     *
     * @param dir a directory holding the four IDX files (there is no default location)
     * @throws java.nio.file.NoSuchFileException naming the missing file and how to get the files
     */
    public static InMemoryDataset mnist(Path dir, Split split) throws IOException {
        Preconditions.checkNotNull(dir, "MNIST has no default location: pass the directory holding its four"
                + " IDX files (e.g. with --data-dir)");
        return MnistFormat.load(dir, split, "MNIST",
                "download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz"
                        + " and t10k-labels-idx1-ubyte.gz (from http://yann.lecun.com/exdb/mnist/ or a mirror)"
                        + " into one directory and pass it with --data-dir <dir>");
    }

    private static final class DigitsHolder {
        static final InMemoryDataset DIGITS = loadDigits();
    }

    /**
     * The bundled UCI optical digits: 1,797 images of shape {@code [1, 8, 8]} whose pixel counts
     * 0..16 are divided by 16 (so in {@code [0, 1]}), labels 0..9. Read once from the class path.
     */
    public static InMemoryDataset digits() {
        return DigitsHolder.DIGITS;
    }

    /**
     * {@link #digits()} split into train and test parts, stratified by class and <b>seeded</b>: the
     * same {@code seed} always gives the same parts (see {@link TrainTestSplit#stratified}); a
     * fraction {@code testFraction} of each class goes to the test part.
     */
    public static TrainTestSplit digitsSplit(long seed, double testFraction) {
        TrainTestSplit split = digits().split(testFraction, seed);
        return new TrainTestSplit(InMemoryDataset.copyOf(split.train()), InMemoryDataset.copyOf(split.test()));
    }

    private static InMemoryDataset loadDigits() {
        InputStream resource = Datasets.class.getResourceAsStream(DIGITS_RESOURCE);
        if (resource == null) {
            throw new IllegalStateException("the class path resource dev/fovea/core/data/" + DIGITS_RESOURCE
                    + " is missing; it ships inside fovea-core's jar, so the jar is incomplete");
        }
        float[] x = new float[DIGITS_SIZE * 64];
        int[] y = new int[DIGITS_SIZE];
        int n = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(resource), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",");
                Preconditions.checkState(fields.length == 65 && n < DIGITS_SIZE,
                        "%s line %s: expected 65 fields (64 pixels and a label), found %s",
                        DIGITS_RESOURCE, n + 1, fields.length);
                for (int j = 0; j < 64; j++) {
                    x[n * 64 + j] = (float) Double.parseDouble(fields[j].trim()) / 16f;
                }
                y[n] = (int) Double.parseDouble(fields[64].trim());
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled " + DIGITS_RESOURCE, e);
        }
        Preconditions.checkState(n == DIGITS_SIZE, "%s holds %s examples, expected %s", DIGITS_RESOURCE, n, DIGITS_SIZE);
        return InMemoryDataset.wrap(Shape.of(1, 8, 8), x, y, 10);
    }
}
