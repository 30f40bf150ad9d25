package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import dev.fovea.api.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads a dataset laid out like MNIST: four IDX files in one directory,
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}
 * and {@code t10k-labels-idx1-ubyte}, each optionally gzip-compressed with a {@code .gz} suffix.
 * MNIST, Fashion-MNIST and KMNIST all use it.
 *
 * <p>Images become examples of shape {@code [1, rows, cols]} with pixel values divided by 255
 * (so in {@code [0, 1]}); labels must lie in {@code [0, 10)}.
 */
public final class MnistFormat {
    /** MNIST-style datasets have ten classes. */
    public static final int NUM_CLASSES = 10;

    private MnistFormat() {}

    /**
     * Loads one split from {@code dir}, saying only that four IDX files are expected when one is
     * missing; {@link Datasets} adds how to get each named dataset.
     */
    public static InMemoryDataset load(Path dir, Split split) throws IOException {
        return load(dir, split, "an MNIST-format dataset",
                "pass a directory (e.g. --data-dir) that holds the four IDX files");
    }

    /**
     * Loads one split from {@code dir}.
     *
     * @param datasetName how the dataset is called in error messages, e.g. "Fashion-MNIST"
     * @param howToGet what the user should do when a file is missing
     * @throws NoSuchFileException naming the missing file, listing the expected names and saying
     *     {@code howToGet}
     * @throws IOException naming the file when a file is malformed or images and labels disagree
     */
    public static InMemoryDataset load(Path dir, Split split, String datasetName, String howToGet)
            throws IOException {
        Preconditions.checkNotNull(dir, "dir");
        Preconditions.checkNotNull(split, "split");
        Path imagesFile = find(dir, split.filePrefix() + "-images-idx3-ubyte", datasetName, howToGet);
        Path labelsFile = find(dir, split.filePrefix() + "-labels-idx1-ubyte", datasetName, howToGet);
        Idx images = Idx.read(imagesFile).require(Idx.ElementType.UBYTE, 3);
        Idx labels = Idx.read(labelsFile).require(Idx.ElementType.UBYTE, 1);
        int count = images.dims().get(0);
        if (labels.dims().get(0) != count) {
            throw new IOException(labelsFile + ": holds " + labels.dims().get(0) + " labels, but "
                    + imagesFile + " holds " + count + " images; the two files must come from the same"
                    + " split of the same dataset");
        }
        if (images.dims().get(1) == 0 || images.dims().get(2) == 0) {
            throw new IOException(imagesFile + ": images of " + images.dims().get(1) + " x "
                    + images.dims().get(2) + " pixels hold nothing");
        }
        int[] y = labels.toIntArray();
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= NUM_CLASSES) {
                throw new IOException(labelsFile + ": label " + i + " is " + y[i] + ", outside [0, "
                        + NUM_CLASSES + ")");
            }
        }
        Shape exampleShape = Shape.of(1, images.dims().get(1), images.dims().get(2));
        return InMemoryDataset.wrap(exampleShape, images.toFloatArray(255f), y, NUM_CLASSES);
    }

    /** {@code dir/name.gz} if it exists, else {@code dir/name}, else an explanation. */
    private static Path find(Path dir, String name, String datasetName, String howToGet) throws IOException {
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        String why = Files.isDirectory(dir) ? "" : " (the directory " + dir + " does not exist)";
        throw new NoSuchFileException(gz.toString(), null,
                "cannot load " + datasetName + ": neither " + name + ".gz nor " + name + " is in " + dir + why
                        + ". Expected the four IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte,"
                        + " t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may end in .gz). To get"
                        + " them: " + howToGet);
    }
}
