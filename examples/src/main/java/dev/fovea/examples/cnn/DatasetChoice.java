package dev.fovea.examples.cnn;

import dev.fovea.core.data.Dataset;
import dev.fovea.core.data.Datasets;
import dev.fovea.core.data.Split;
import dev.fovea.core.data.TrainTestSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The data sets {@code fovea train} can read, with their train and test parts. */
public enum DatasetChoice {
    /** The bundled UCI 8x8 digits, split 80/20 (stratified, seeded). */
    DIGITS("digits") {
        @Override
        public TrainTestSplit load(Path dataDir, long seed) {
            return Datasets.digitsSplit(seed, DIGITS_TEST_FRACTION);
        }
    },
    /** Fashion-MNIST, from {@code --data-dir} or {@value Datasets#FASHION_MNIST_DIR}. */
    FASHION_MNIST("fashion-mnist") {
        @Override
        public TrainTestSplit load(Path dataDir, long seed) throws IOException {
            return new TrainTestSplit(Datasets.fashionMnist(dataDir, Split.TRAIN),
                    Datasets.fashionMnist(dataDir, Split.TEST));
        }
    },
    /** MNIST, from {@code --data-dir} (there is no default location). */
    MNIST("mnist") {
        @Override
        public TrainTestSplit load(Path dataDir, long seed) throws IOException {
            if (dataDir == null) {
                throw new IllegalArgumentException("mnist has no default location: download train-images-idx3-ubyte.gz,"
                        + " train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz"
                        + " (from http://yann.lecun.com/exdb/mnist/ or a mirror) into one directory and pass it with"
                        + " --data-dir <dir>");
            }
            return new TrainTestSplit(Datasets.mnist(dataDir, Split.TRAIN), Datasets.mnist(dataDir, Split.TEST));
        }
    };

    /** The fraction of the digits held out for testing. */
    public static final double DIGITS_TEST_FRACTION = 0.2;

    private final String cliName;

    DatasetChoice(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line. */
    public String cliName() {
        return cliName;
    }

    /**
     * Reads the train and test parts.
     *
     * @param dataDir the directory holding the files, or {@code null} for the default
     * @param seed seeds the digits' split
     * @throws java.nio.file.NoSuchFileException naming the missing file and how to get it
     */
    public abstract TrainTestSplit load(Path dataDir, long seed) throws IOException;

    /** Names the data set's parts the way it is read, e.g. "digits (bundled, 80/20 split)". */
    public String describe(Path dataDir) {
        return switch (this) {
            case DIGITS -> "digits (bundled UCI 8x8 handwritten digits, stratified 80/20 split)";
            case FASHION_MNIST -> "fashion-mnist (" + (dataDir == null ? Datasets.FASHION_MNIST_DIR : dataDir) + ")";
            case MNIST -> "mnist (" + dataDir + ")";
        };
    }

    /** The data set named {@code name} (case-insensitive). */
    public static DatasetChoice named(String name) {
        for (DatasetChoice d : values()) {
            if (d.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + name + "'; choose digits, fashion-mnist or mnist");
    }

    /** The first {@code n} examples of {@code d} (all of them when it has fewer), sharing its data. */
    static Dataset firstN(Dataset d, int n) {
        int[] indices = new int[Math.min(n, d.size())];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        return d.subset(indices);
    }
}
