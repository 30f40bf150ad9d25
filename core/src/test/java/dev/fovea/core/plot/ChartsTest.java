package dev.fovea.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    private static final int BLUE = 0x4E79A7;   // first series
    private static final int ORANGE = 0xF28E2B; // second series

    @TempDir
    Path dir;

    private static List<EpochPoint> run() {
        return List.of(
                new EpochPoint(1, 0.92, 0.71),
                new EpochPoint(2, 0.41, 0.88),
                new EpochPoint(3, 0.22, 0.93),
                new EpochPoint(4, 0.15, 0.955),
                new EpochPoint(5, 0.11, 0.968));
    }

    /** Reads the PNG back and checks its size, that it has real content, and that nothing else is left. */
    private BufferedImage readBack(Path png, int width, int height) throws IOException {
        assertTrue(Files.isRegularFile(png), png + " exists");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(width, img.getWidth());
        assertEquals(height, img.getHeight());
        Set<Integer> colours = new HashSet<>();
        int white = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y) & 0xFFFFFF;
                colours.add(c);
                if (c == 0xFFFFFF) {
                    white++;
                }
            }
        }
        assertTrue(colours.size() > 20, "anti-aliased, non-uniform content: " + colours.size() + " colours");
        assertTrue(white > img.getWidth() * img.getHeight() / 2, "white background");
        try (Stream<Path> files = Files.list(png.getParent())) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
        return img;
    }

    private static int countNear(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y) & 0xFFFFFF;
                if (Math.abs(((c >> 16) & 0xFF) - ((rgb >> 16) & 0xFF)) <= 6
                        && Math.abs(((c >> 8) & 0xFF) - ((rgb >> 8) & 0xFF)) <= 6
                        && Math.abs((c & 0xFF) - (rgb & 0xFF)) <= 6) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void trainingCurvesDrawLossAndAccuracy() throws IOException {
        Path png = dir.resolve("out/training.png");
        Charts.trainingCurves(run(), png);
        BufferedImage img = readBack(png, Charts.WIDTH, Charts.HEIGHT);
        assertTrue(countNear(img, BLUE) > 300, "loss line drawn in blue");
        assertTrue(countNear(img, ORANGE) > 300, "accuracy line drawn in orange");
        try (Stream<Path> files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList());
        }
    }

    @Test
    void trainingCurvesToleratesDivergenceAndMissingAccuracy() throws IOException {
        Path png = dir.resolve("diverged.png");
        Charts.trainingCurves("diverged", List.of(
                EpochPoint.trainOnly(1, 2.3), EpochPoint.trainOnly(2, 1.1),
                EpochPoint.trainOnly(3, Double.NaN), EpochPoint.trainOnly(4, Double.POSITIVE_INFINITY)), png);
        BufferedImage img = readBack(png, Charts.WIDTH, Charts.HEIGHT);
        assertTrue(countNear(img, BLUE) > 100, "the finite part of the loss is drawn");
        assertEquals(0, countNear(img, ORANGE), "no accuracy panel without accuracy");
    }

    @Test
    void linesWithDashedTargetsShowTheFilterTapsConverging() throws IOException {
        int epochs = 30;
        double[] target = {-1, 1, -1};
        LinkedHashMap<String, double[]> taps = new LinkedHashMap<>();
        double[] start = {0.12, -0.31, 0.05};
        for (int t = 0; t < 3; t++) {
            double[] w = new double[epochs];
            for (int e = 0; e < epochs; e++) {
                w[e] = target[t] + (start[t] - target[t]) * Math.exp(-e / 6.0);
            }
            taps.put("w[" + t + "]", w);
        }
        Path png = dir.resolve("taps.png");
        Charts.lines("3-tap filter learning [-1, 1, -1]", "epoch", "weight", taps,
                Map.of("w[0]", -1.0, "w[1]", 1.0, "w[2]", -1.0), png);
        BufferedImage img = readBack(png, Charts.WIDTH, Charts.HEIGHT);
        assertTrue(countNear(img, BLUE) > 300);
        assertTrue(countNear(img, 0xE15759) > 300, "third series in red");

        Path plain = dir.resolve("plain.png");
        Charts.lines("loss", "step", "loss", new LinkedHashMap<>(Map.of("loss", new double[] {3, 2, 1.5, 1.2})), plain);
        readBack(plain, Charts.WIDTH, Charts.HEIGHT);
    }

    @Test
    void lineChartBuilderTakesXValuesAndSize() throws IOException {
        Path png = dir.resolve("lr.png");
        Charts.lineChart("learning rate", "step", "lr")
                .x(new double[] {0, 100, 200, 300})
                .series("cosine", new double[] {0.1, 0.085, 0.05, 0.015}, 0.0)
                .size(640, 360)
                .write(png);
        readBack(png, 640, 360);
        assertEquals(640, Charts.lineChart("t", "x", "y").series("a", new double[] {1}).size(640, 360).render().getWidth());
    }

    @Test
    void barsCompareLearnedFilterWithTarget() throws IOException {
        LinkedHashMap<String, double[]> series = new LinkedHashMap<>();
        series.put("learned", new double[] {-0.93, 1.04, -0.97});
        series.put("target", new double[] {-1, 1, -1});
        Path png = dir.resolve("bars.png");
        Charts.bars("learned filter vs target", "tap", "weight", List.of("w[0]", "w[1]", "w[2]"), series, png);
        BufferedImage img = readBack(png, Charts.WIDTH, Charts.HEIGHT);
        assertTrue(countNear(img, BLUE) > 2000, "learned bars");
        assertTrue(countNear(img, ORANGE) > 2000, "target bars");
    }

    @Test
    void badInputIsRejectedClearly() {
        IllegalArgumentException pct = assertThrows(IllegalArgumentException.class, () -> new EpochPoint(3, 0.1, 98.0));
        assertTrue(pct.getMessage().contains("fraction"), pct.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Charts.trainingCurvesChart("t", List.of()));

        LinkedHashMap<String, double[]> series = new LinkedHashMap<>();
        series.put("a", new double[] {1, 2, 3});
        IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
                () -> Charts.lines("t", "x", "y", series, Map.of("b", 1.0), dir.resolve("x.png")));
        assertTrue(target.getMessage().contains("'b'"), target.getMessage());
        IllegalArgumentException xs = assertThrows(IllegalArgumentException.class,
                () -> Charts.lineChart("t", "x", "y").x(new double[] {1, 2}).series("a", new double[] {1, 2, 3}).chart());
        assertTrue(xs.getMessage().contains("'a'") && xs.getMessage().contains("3 values"), xs.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Charts.lineChart("t", "x", "y").chart());
        assertThrows(IllegalArgumentException.class,
                () -> Charts.lineChart("t", "x", "y").series("a", new double[] {1}, Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> Charts.lineChart("t", "x", "y").series("a", new double[0]));

        LinkedHashMap<String, double[]> ragged = new LinkedHashMap<>();
        ragged.put("learned", new double[] {1, 2, 3});
        ragged.put("target", new double[] {1, 2});
        IllegalArgumentException bars = assertThrows(IllegalArgumentException.class,
                () -> Charts.barsChart("t", "tap", "w", null, ragged));
        assertTrue(bars.getMessage().contains("'target'"), bars.getMessage());
        assertTrue(Files.notExists(dir.resolve("x.png")), "nothing written for bad input");
    }

    @Test
    void unwritableTargetNamesThePath() throws IOException {
        Path blocker = Files.writeString(dir.resolve("blocker"), "not a directory");
        Path png = blocker.resolve("charts/training.png");
        IOException e = assertThrows(IOException.class, () -> Charts.trainingCurves(run(), png));
        assertTrue(e.getMessage().contains(png.toString()), e.getMessage());
        assertEquals("not a directory", Files.readString(blocker));
    }

    @Test
    void failedWriteLeavesThePreviousFile() throws IOException {
        Path png = dir.resolve("keep.png");
        Charts.trainingCurves(run(), png);
        byte[] before = Files.readAllBytes(png);
        assertThrows(IllegalArgumentException.class, () -> Charts.trainingCurves(List.of(), png));
        assertEquals(before.length, Files.readAllBytes(png).length);
    }
}
