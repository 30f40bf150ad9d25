package dev.fovea.core.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Shape;
import dev.fovea.core.plot.FilterGrid.ChannelMode;
import dev.fovea.core.plot.FilterGrid.Layout;
import dev.fovea.core.plot.FilterGrid.Normalization;
import dev.fovea.core.plot.FilterGrid.Options;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilterGridTest {
    private static final int BG = Options.DEFAULT_BACKGROUND;

    /** Filter 0 is a ramp (min at tap 0, max at tap 8); filter 1 has its min at tap 4 and max at tap 2. */
    private static final float[] TWO_FILTERS = {
        0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f,
        0.1f, -0.2f, 0.9f, 0.0f, -0.5f, 0.3f, 0.2f, 0.4f, -0.1f,
    };
    private static final int[] TWO_DIMS = {2, 1, 3, 3};

    @TempDir
    Path dir;

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    private static int gray(int level) {
        return level << 16 | level << 8 | level;
    }

    /** The gray level every pixel of tap (r, c) of cell i must have. */
    private static void assertTap(BufferedImage img, Layout l, int cell, int r, int c, int expectedRgb) {
        int x0 = l.cellX(cell) + c * l.pixelWidth();
        int y0 = l.cellY(cell) + r * l.pixelHeight();
        for (int y = y0; y < y0 + l.pixelHeight(); y++) {
            for (int x = x0; x < x0 + l.pixelWidth(); x++) {
                assertEquals(expectedRgb, rgb(img, x, y),
                        "cell " + cell + " tap (" + r + "," + c + ") pixel (" + x + "," + y + ")");
            }
        }
    }

    @Test
    void eachFilterSpansBlackToWhiteInItsOwnCell() {
        BufferedImage img = FilterGrid.render(TWO_FILTERS, TWO_DIMS, Options.defaults());
        Layout l = FilterGrid.layout(TWO_DIMS, Options.defaults());

        // default: 48 px target, 3x3 filter -> 16 px per weight, 48 px cells, two cells side by side
        assertEquals(16, l.pixelWidth());
        assertEquals(16, l.pixelHeight());
        assertEquals(48, l.cellWidth());
        assertEquals(2, l.columns());
        assertEquals(1, l.rows());
        assertEquals(2 * 8 + 2 * 48 + 2, img.getWidth());
        assertEquals(2 * 8 + 48, img.getHeight());
        assertEquals(8, l.cellX(0));
        assertEquals(8 + 48 + 2, l.cellX(1));

        // filter 0: ramp 0..8 -> round(v / 8 * 255)
        for (int i = 0; i < 9; i++) {
            assertTap(img, l, 0, i / 3, i % 3, gray((int) Math.round(i / 8.0 * 255)));
        }
        assertTap(img, l, 0, 0, 0, 0x000000);
        assertTap(img, l, 0, 2, 2, 0xFFFFFF);
        // filter 1: min -0.5 at tap 4 is black, max 0.9 at tap 2 is white, independent of filter 0's range
        assertTap(img, l, 1, 1, 1, 0x000000);
        assertTap(img, l, 1, 0, 2, 0xFFFFFF);
        assertTap(img, l, 1, 1, 0, gray((int) Math.round((0.0 + 0.5) / 1.4 * 255)));
    }

    @Test
    void guttersAndMarginsHaveTheBackgroundColour() {
        BufferedImage img = FilterGrid.render(TWO_FILTERS, TWO_DIMS, Options.defaults());
        Layout l = FilterGrid.layout(TWO_DIMS, Options.defaults());
        for (int y = l.cellY(0); y < l.cellY(0) + l.cellHeight(); y++) {
            for (int x = l.cellX(0) + l.cellWidth(); x < l.cellX(1); x++) {
                assertEquals(BG, rgb(img, x, y), "gutter pixel (" + x + "," + y + ")");
            }
        }
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < l.margin(); y++) {
                assertEquals(BG, rgb(img, x, y), "top margin");
                assertEquals(BG, rgb(img, x, img.getHeight() - 1 - y), "bottom margin");
            }
        }
        for (int y = 0; y < img.getHeight(); y++) {
            assertEquals(BG, rgb(img, 0, y), "left margin");
            assertEquals(BG, rgb(img, img.getWidth() - 1, y), "right margin");
        }
    }

    @Test
    void constantFilterIsMidGrayWithoutNaN() {
        float[] values = new float[18];
        for (int i = 0; i < 9; i++) {
            values[i] = 0.25f;        // constant, non-zero
            values[9 + i] = i - 4f;   // a normal filter beside it
        }
        Layout l0 = FilterGrid.layout(TWO_DIMS, Options.defaults());
        BufferedImage perFilter = FilterGrid.render(values, TWO_DIMS, Options.defaults());
        // symmetric keeps the sign: a constant positive filter is all +max|w|, i.e. white
        BufferedImage symmetric = FilterGrid.render(values, TWO_DIMS,
                Options.builder().normalization(Normalization.PER_FILTER_SYMMETRIC).build());
        for (int i = 0; i < 9; i++) {
            assertTap(perFilter, l0, 0, i / 3, i % 3, gray(FilterGrid.MID_GRAY));
            assertTap(symmetric, l0, 0, i / 3, i % 3, 0xFFFFFF);
        }
        assertTap(perFilter, l0, 1, 0, 0, 0x000000); // its neighbour still spans the full range
        assertTap(perFilter, l0, 1, 2, 2, 0xFFFFFF);
        float[] allZero = new float[9];
        int[] one = {1, 1, 3, 3};
        Layout l = FilterGrid.layout(one, Options.defaults());
        for (Normalization n : Normalization.values()) {
            BufferedImage img = FilterGrid.render(allZero, one, Options.builder().normalization(n).build());
            for (int i = 0; i < 9; i++) {
                assertTap(img, l, 0, i / 3, i % 3, gray(FilterGrid.MID_GRAY));
            }
        }
    }

    @Test
    void symmetricNormalizationPutsZeroAtMidGrayAndGlobalSharesOneRange() {
        float[] values = {-2f, 0f, 1f, 0f, 0f, 0f, 0f, 0f, 0f};
        int[] dims = {1, 1, 3, 3};
        Layout l = FilterGrid.layout(dims, Options.defaults());
        BufferedImage sym = FilterGrid.render(values, dims,
                Options.builder().normalization(Normalization.PER_FILTER_SYMMETRIC).build());
        assertTap(sym, l, 0, 0, 0, 0x000000);                               // -max|w|
        assertTap(sym, l, 0, 0, 1, gray(128));                              // zero
        assertTap(sym, l, 0, 0, 2, gray((int) Math.round(3.0 / 4 * 255)));  // +1 of [-2, 2]

        BufferedImage global = FilterGrid.render(TWO_FILTERS, TWO_DIMS,
                Options.builder().normalization(Normalization.GLOBAL).build());
        Layout l2 = FilterGrid.layout(TWO_DIMS, Options.defaults());
        assertTap(global, l2, 0, 0, 0, gray((int) Math.round(0.5 / 8.5 * 255))); // 0 within [-0.5, 8]
        assertTap(global, l2, 1, 1, 1, 0x000000);                               // layer minimum
        assertTap(global, l2, 0, 2, 2, 0xFFFFFF);                               // layer maximum
    }

    @Test
    void tensorOverloadReadsOnlyShapeAndValues() {
        BufferedImage viaTensor = FilterGrid.render(FakeTensor.of(TWO_FILTERS, TWO_DIMS), Options.defaults());
        BufferedImage viaShape = FilterGrid.render(TWO_FILTERS, Shape.of(TWO_DIMS), Options.defaults());
        BufferedImage viaDims = FilterGrid.render(TWO_FILTERS, TWO_DIMS, Options.defaults());
        assertArrayEquals(pixels(viaDims), pixels(viaTensor));
        assertArrayEquals(pixels(viaDims), pixels(viaShape));
    }

    @Test
    void oneDimensionalFiltersRenderAsStrips() {
        float[] values = {-1f, 1f, -1f, 0.5f, 0.2f, 0.8f};
        int[] dims = {2, 1, 3};
        BufferedImage img = FilterGrid.render(values, dims, Options.defaults());
        Layout l = FilterGrid.layout(dims, Options.defaults());
        // 1-D: target 48 * 4 / 3 = 64 px over 3 taps -> 22 px wide, at least 16 px tall
        assertEquals(22, l.pixelWidth());
        assertEquals(22, l.pixelHeight());
        assertEquals(66, l.cellWidth());
        assertEquals(22, l.cellHeight());
        assertEquals(l.width(), img.getWidth());
        assertEquals(l.height(), img.getHeight());
        assertEquals(2 * 8 + l.columns() * 66 + (l.columns() - 1) * 2, img.getWidth());
        assertTap(img, l, 0, 0, 0, 0x000000);
        assertTap(img, l, 0, 0, 1, 0xFFFFFF);
        assertTap(img, l, 0, 0, 2, 0x000000);
        assertTap(img, l, 1, 0, 1, 0x000000);
        assertTap(img, l, 1, 0, 2, 0xFFFFFF);

        Layout wide = FilterGrid.layout(new int[] {4, 2, 25}, Options.defaults());
        assertEquals(3, wide.pixelWidth());
        assertEquals(16, wide.pixelHeight());
    }

    @Test
    void threeInputChannelsRenderAsRgbByDefault() {
        // [1, 3, 1, 2]: red taps {1, 0}, green taps {0, 0.5}, blue taps {0.5, 1}; one range [0, 1] per filter
        float[] values = {1f, 0f, 0f, 0.5f, 0.5f, 1f};
        int[] dims = {1, 3, 1, 2};
        BufferedImage img = FilterGrid.render(values, dims, Options.defaults());
        Layout l = FilterGrid.layout(dims, Options.defaults());
        assertTap(img, l, 0, 0, 0, 0xFF0080);
        assertTap(img, l, 0, 0, 1, 0x0080FF);
        Layout mean = FilterGrid.layout(dims, Options.builder().channels(ChannelMode.MEAN).build());
        BufferedImage gray = FilterGrid.render(values, dims, Options.builder().channels(ChannelMode.MEAN).build());
        assertTap(gray, mean, 0, 0, 0, gray(128)); // both taps average to 0.5: a constant filter
        assertTap(gray, mean, 0, 0, 1, gray(128));
    }

    @Test
    void splitModeGivesOneRowPerFilterAndOneColumnPerChannel() {
        int[] dims = {2, 3, 3, 3};
        float[] values = new float[54];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i * 0.7);
        }
        Options split = Options.builder().channels(ChannelMode.SPLIT).columns(5).build();
        Layout l = FilterGrid.layout(dims, split);
        assertEquals(6, l.cells());
        assertEquals(3, l.columns());
        assertEquals(2, l.rows());
        BufferedImage img = FilterGrid.render(values, dims, split);
        assertEquals(2 * 8 + 3 * 48 + 2 * 2, img.getWidth());
        assertEquals(2 * 8 + 2 * 48 + 2, img.getHeight());

        Options mean = Options.builder().channels(ChannelMode.MEAN).build();
        assertEquals(2, FilterGrid.layout(dims, mean).cells());
    }

    @Test
    void columnsAndLayoutFormula() {
        int[] dims = {5, 1, 5, 5};
        Options opts = Options.builder().columns(2).gutter(1).margin(4).cellPixels(50).build();
        Layout l = FilterGrid.layout(dims, opts);
        assertEquals(10, l.pixelWidth()); // 50 / 5
        assertEquals(3, l.rows());
        BufferedImage img = FilterGrid.render(new float[125], dims, opts);
        assertEquals(2 * 4 + 2 * 50 + 1, img.getWidth());
        assertEquals(2 * 4 + 3 * 50 + 2 * 1, img.getHeight());
        // the unused sixth slot is background
        assertEquals(BG, rgb(img, l.cellX(1) + 10, l.cellY(4) + 10));

        assertEquals(4, FilterGrid.layout(new int[] {16, 1, 3, 3}, Options.defaults()).columns());
        assertEquals(8, FilterGrid.layout(new int[] {32, 1, 5, 5}, Options.defaults()).columns()); // 8 x 4, no gaps
        assertEquals(8, FilterGrid.layout(new int[] {64, 1, 5, 5}, Options.defaults()).columns());
        assertEquals(3, FilterGrid.layout(new int[] {6, 1, 5, 5}, Options.defaults()).columns());
        assertEquals(1, FilterGrid.layout(new int[] {4, 1, 3}, Options.defaults()).columns()); // strips stack
        assertEquals(7, FilterGrid.layout(new int[] {7, 1, 7, 7}, Options.defaults()).cellWidth() / 7);
    }

    @Test
    void titleAndLabelsAddBandsAndInk() {
        Options opts = Options.builder().title("conv1 after epoch 3").labels(List.of("edge", "blob")).build();
        Layout l = FilterGrid.layout(TWO_DIMS, opts);
        Layout plain = FilterGrid.layout(TWO_DIMS, Options.defaults());
        assertTrue(l.titleHeight() > 10, "title band");
        assertTrue(l.labelHeight() > 8, "label band");
        assertEquals(plain.height() + l.titleHeight() + l.labelHeight(), l.height());
        assertTrue(l.width() >= plain.width());
        BufferedImage img = FilterGrid.render(TWO_FILTERS, TWO_DIMS, opts);
        assertTrue(countDark(img, 0, l.margin(), img.getWidth(), l.margin() + l.titleHeight()) > 20, "title text drawn");
        assertTrue(countDark(img, l.cellX(0), l.cellY(0) + l.cellHeight(), l.cellX(0) + l.cellWidth(),
                l.cellY(0) + l.cellHeight() + l.labelHeight()) > 5, "label drawn");
        // the filter pixels are still exact under a title
        assertTap(img, l, 0, 0, 0, 0x000000);
        assertTap(img, l, 0, 2, 2, 0xFFFFFF);
    }

    @Test
    void badInputIsRejectedWithTheShapeOrProblem() {
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> FilterGrid.render(new float[9], new int[] {3, 3}, Options.defaults()));
        assertTrue(rank.getMessage().contains("[3, 3]"), rank.getMessage());
        assertTrue(rank.getMessage().contains("[Cout, Cin, kH, kW]"), rank.getMessage());

        IllegalArgumentException tensorRank = assertThrows(IllegalArgumentException.class,
                () -> FilterGrid.render(FakeTensor.of(new float[16], 1, 1, 1, 4, 4), Options.defaults()));
        assertTrue(tensorRank.getMessage().contains("[1, 1, 1, 4, 4]"), tensorRank.getMessage());

        float[] withNaN = TWO_FILTERS.clone();
        withNaN[11] = Float.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> FilterGrid.render(withNaN, TWO_DIMS, Options.defaults()));
        assertTrue(nan.getMessage().contains("NaN") && nan.getMessage().contains("[2, 1, 3, 3]")
                && nan.getMessage().contains("filter 1"), nan.getMessage());

        withNaN[11] = Float.POSITIVE_INFINITY;
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FilterGrid.render(withNaN, TWO_DIMS, Options.defaults())).getMessage().contains("Infinity"));

        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> FilterGrid.render(new float[17], TWO_DIMS, Options.defaults()));
        assertTrue(count.getMessage().contains("17") && count.getMessage().contains("[2, 1, 3, 3]"), count.getMessage());

        IllegalArgumentException rgb = assertThrows(IllegalArgumentException.class,
                () -> FilterGrid.render(new float[36], new int[] {2, 2, 3, 3},
                        Options.builder().channels(ChannelMode.RGB).build()));
        assertTrue(rgb.getMessage().contains("RGB") && rgb.getMessage().contains("[2, 2, 3, 3]"), rgb.getMessage());

        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                () -> FilterGrid.render(TWO_FILTERS, TWO_DIMS, Options.builder().labels(List.of("one")).build()));
        assertTrue(labels.getMessage().contains("1 labels") && labels.getMessage().contains("2 cells"),
                labels.getMessage());

        assertThrows(IllegalArgumentException.class,
                () -> FilterGrid.render(new float[0], new int[] {0, 1, 3, 3}, Options.defaults()));
        assertThrows(IllegalArgumentException.class, () -> Options.builder().cellPixels(0).build());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> FilterGrid.layout(new int[] {4096, 64, 11, 11}, Options.builder().channels(ChannelMode.SPLIT).build()));
        assertTrue(huge.getMessage().contains("too large"), huge.getMessage());
    }

    @Test
    void writeIsAtomicCreatesParentsAndLeavesNoTempFile() throws IOException {
        Path png = dir.resolve("nested/deeper/conv1.png");
        FilterGrid.write(FakeTensor.of(TWO_FILTERS, TWO_DIMS), png, Options.defaults().withTitle("conv1"));
        assertTrue(Files.isRegularFile(png));
        BufferedImage back = ImageIO.read(png.toFile());
        BufferedImage expected = FilterGrid.render(TWO_FILTERS, TWO_DIMS, Options.defaults().withTitle("conv1"));
        assertEquals(expected.getWidth(), back.getWidth());
        assertEquals(expected.getHeight(), back.getHeight());
        for (int y = 0; y < back.getHeight(); y++) {
            for (int x = 0; x < back.getWidth(); x++) {
                assertEquals(rgb(expected, x, y), rgb(back, x, y), "PNG is lossless at (" + x + "," + y + ")");
            }
        }
        // overwrite in place with another picture
        FilterGrid.write(new float[9], new int[] {1, 1, 3, 3}, png, Options.defaults());
        assertEquals(64, ImageIO.read(png.toFile()).getWidth());
        try (Stream<Path> files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList(), "only the PNG remains, no temporary file");
        }
        if (Files.getFileStore(png).supportsFileAttributeView("posix")) {
            Path ordinary = Files.writeString(png.resolveSibling("ordinary.txt"), "x");
            assertEquals(Files.getPosixFilePermissions(ordinary), Files.getPosixFilePermissions(png),
                    "the PNG gets the usual permissions (umask), not a temp file's owner-only ones");
        }
    }

    @Test
    void unwritableTargetNamesThePath() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        Path png = notADirectory.resolve("grid.png");
        IOException e = assertThrows(IOException.class,
                () -> FilterGrid.write(TWO_FILTERS, TWO_DIMS, png, Options.defaults()));
        assertTrue(e.getMessage().contains(png.toString()), e.getMessage());

        Path existingDir = Files.createDirectories(dir.resolve("taken.png"));
        IOException e2 = assertThrows(IOException.class,
                () -> FilterGrid.write(TWO_FILTERS, TWO_DIMS, existingDir, Options.defaults()));
        assertTrue(e2.getMessage().contains(existingDir.toString()), e2.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temp file cleaned up");
        }
    }

    @Test
    void runsHeadlessWhenThereIsNoDisplay() {
        FilterGrid.render(TWO_FILTERS, TWO_DIMS, Options.defaults().withTitle("t"));
        boolean noDisplay = blank(System.getenv("DISPLAY")) && blank(System.getenv("WAYLAND_DISPLAY"));
        if (noDisplay && !"false".equals(System.getProperty("java.awt.headless"))) {
            assertTrue(GraphicsEnvironment.isHeadless());
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static int countDark(BufferedImage img, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int v = rgb(img, x, y);
                if (((v >> 16) & 0xFF) < 120 && ((v >> 8) & 0xFF) < 120 && (v & 0xFF) < 120) {
                    n++;
                }
            }
        }
        return n;
    }
}
