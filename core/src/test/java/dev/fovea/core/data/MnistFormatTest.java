package dev.fovea.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MnistFormatTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void loadsBothSplitsWithPixelsInUnitRange(boolean gzip) throws IOException {
        IdxFiles.writeMnistSplit(dir, Split.TRAIN, 12, 4, 5, gzip);
        IdxFiles.writeMnistSplit(dir, Split.TEST, 3, 4, 5, gzip);

        InMemoryDataset train = MnistFormat.load(dir, Split.TRAIN);
        assertEquals(12, train.size());
        assertEquals(Shape.of(1, 4, 5), train.exampleShape());
        assertEquals(10, train.numClasses());
        float[] x = new float[20];
        train.copyExample(11, x, 0);
        for (int p = 0; p < 20; p++) {
            assertEquals(((11 * 7 + p) % 256) / 255f, x[p], "pixel " + p);
        }
        assertEquals(1, train.label(11));
        assertEquals(3, MnistFormat.load(dir, Split.TEST).size());
        assertArrayEquals(new int[] {2, 2, 1, 1, 1, 1, 1, 1, 1, 1}, train.classCounts());
    }

    @Test
    void rejectsImageLabelCountMismatchNamingBothFiles() throws IOException {
        IdxFiles.writeMnistSplit(dir, Split.TRAIN, 5, 2, 2, false);
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        IdxFiles.write(labels, IdxFiles.idx(0x08, new int[] {4}, IdxFiles.ubytes(1, 2, 3, 4)), false);
        IOException e = assertThrows(IOException.class, () -> MnistFormat.load(dir, Split.TRAIN));
        assertTrue(e.getMessage().startsWith(labels.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("4 labels") && e.getMessage().contains("5 images")
                && e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void rejectsLabelsOutsideTenClasses() throws IOException {
        IdxFiles.writeMnistSplit(dir, Split.TEST, 3, 2, 2, false);
        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        IdxFiles.write(labels, IdxFiles.idx(0x08, new int[] {3}, IdxFiles.ubytes(1, 10, 3)), false);
        IOException e = assertThrows(IOException.class, () -> MnistFormat.load(dir, Split.TEST));
        assertTrue(e.getMessage().startsWith(labels.toString()) && e.getMessage().contains("label 1 is 10"),
                e.getMessage());
    }

    @Test
    void rejectsImagesFileThatIsNotUbyteRank3() throws IOException {
        IdxFiles.writeMnistSplit(dir, Split.TEST, 3, 2, 2, false);
        Path images = dir.resolve("t10k-images-idx3-ubyte");
        IdxFiles.write(images, IdxFiles.idx(0x08, new int[] {3, 4}, new byte[12]), false);
        IOException e = assertThrows(IOException.class, () -> MnistFormat.load(dir, Split.TEST));
        assertTrue(e.getMessage().startsWith(images.toString()) && e.getMessage().contains("expected 3-dimensional"),
                e.getMessage());
    }

    @Test
    void prefersGzipAndAcceptsMixedCompression() throws IOException {
        IdxFiles.writeMnistSplit(dir, Split.TEST, 4, 2, 2, true);
        // A broken plain file beside the .gz one is ignored: the .gz wins.
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), new byte[] {1, 2, 3});
        assertEquals(4, MnistFormat.load(dir, Split.TEST).size());
    }

    @Test
    void missingFashionMnistFileSaysHowToInstallIt() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> Datasets.fashionMnist(dir, Split.TRAIN));
        String m = e.getMessage();
        assertTrue(m.contains(dir.resolve("train-images-idx3-ubyte.gz").toString()), m);
        assertTrue(m.contains("apt-get install dataset-fashion-mnist"), m);
        assertTrue(m.contains("/usr/share/datasets/fashion-mnist"), m);
        assertTrue(m.contains("--data-dir"), m);
        assertTrue(m.contains("t10k-labels-idx1-ubyte"), m);
    }

    @Test
    void missingMnistFileSaysToPassDataDir() throws IOException {
        IdxFiles.writeMnistSplit(dir, Split.TRAIN, 2, 2, 2, false);
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Datasets.mnist(dir, Split.TRAIN));
        String m = e.getMessage();
        assertTrue(m.contains("train-labels-idx1-ubyte") && m.contains("MNIST") && m.contains("--data-dir"), m);
        assertThrows(NullPointerException.class, () -> Datasets.mnist(null, Split.TRAIN));
    }
}
