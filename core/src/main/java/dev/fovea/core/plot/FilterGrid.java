package dev.fovea.core.plot;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Draws convolution filters as a grid of enlarged cells in a PNG, so that you can see what a layer
 * has learned: random noise after initialisation, edge and blob detectors after training.
 *
 * <p>Input is a weight array {@code [Cout, Cin, kH, kW]} (Conv2d) or {@code [Cout, Cin, k]} (Conv1d,
 * drawn as a {@code 1 x k} strip). Each filter is normalised on its own by default: its smallest
 * weight becomes black (0), its largest white (255), a constant filter mid-gray (128). Cells are
 * enlarged with nearest-neighbour scaling, so every weight is a visible square (about
 * {@link Options#cellPixels()} pixels on the filter's longer side), separated by thin gutters of a
 * light background colour. How the {@code Cin} input channels are combined is an
 * {@link ChannelMode option}: by default three channels are drawn as RGB and any other count is
 * averaged.
 *
 * <pre>{@code
 * FilterGrid.write(model.parameter("conv1.weight"), Path.of("out/conv1-epoch3.png"),
 *         FilterGrid.Options.builder().title("conv1 after epoch 3").build());
 * }</pre>
 *
 * <p>The {@link #layout} method returns the pixel geometry a render will use, so callers (and
 * tests) can find each cell in the image.
 */
public final class FilterGrid {
    static {
        Png.ensureHeadlessWithoutDisplay(); // before any AWT class initialises
    }

    /** Gray level of a filter whose weights are all equal. */
    public static final int MID_GRAY = 128;

    /** Images larger than this many pixels are refused (lower {@link Options#cellPixels()}). */
    public static final long MAX_PIXELS = 64L * 1024 * 1024;

    private static final int TITLE_FONT_PX = 16;
    private static final int LABEL_FONT_PX = 11;
    private static final int TEXT_PAD = 4;
    private static final int TEXT_RGB = 0x222222;

    private FilterGrid() {}

    // ---- Options ----------------------------------------------------------------------------------

    /** How a filter with several input channels becomes one picture. */
    public enum ChannelMode {
        /** {@link #RGB} when {@code Cin == 3}, otherwise {@link #MEAN} (the default). */
        AUTO,
        /** Channels 0, 1, 2 drive red, green and blue; requires {@code Cin == 3}. */
        RGB,
        /** One gray cell per filter showing the mean over the input channels. */
        MEAN,
        /**
         * One gray cell per (filter, input channel): row {@code o} of the grid holds filter {@code o}'s
         * {@code Cin} channels, so the grid has {@code Cin} columns (the {@link Options#columns()}
         * option is ignored). All channels of a filter share that filter's normalisation, so their
         * relative strength stays visible.
         */
        SPLIT
    }

    /** How weights become gray levels. */
    public enum Normalization {
        /** Each filter's minimum is black and maximum white (the default). */
        PER_FILTER,
        /**
         * Each filter is scaled by its largest absolute weight: zero is mid-gray, {@code -max|w|} black,
         * {@code +max|w|} white, so the sign of every weight is visible.
         */
        PER_FILTER_SYMMETRIC,
        /** One minimum and maximum for the whole layer, so filters can be compared with each other. */
        GLOBAL
    }

    /**
     * Immutable rendering options; start from {@link #defaults()} or {@link #builder()}.
     *
     * @param title text drawn above the grid, or {@code null} for none
     * @param labels one label per cell drawn under it (cells in grid order), or empty for none
     * @param columns grid columns, or 0 to choose a near-square grid
     * @param cellPixels target length in pixels of a cell's longer side (each weight becomes a square of
     *     {@code ceil(cellPixels / max(kH, kW))} pixels); 1-D filters use {@code cellPixels * 4 / 3}
     * @param gutter pixels of background between cells
     * @param margin pixels of background around the grid
     * @param channels how input channels are combined
     * @param normalization how weights map to gray levels
     * @param backgroundRgb background colour as {@code 0xRRGGBB}
     */
    public record Options(
            String title,
            List<String> labels,
            int columns,
            int cellPixels,
            int gutter,
            int margin,
            ChannelMode channels,
            Normalization normalization,
            int backgroundRgb) {

        /** A light blue-gray that no gray level of a filter can be mistaken for. */
        public static final int DEFAULT_BACKGROUND = 0xE3E8EF;

        public Options {
            labels = labels == null ? ImmutableList.of() : ImmutableList.copyOf(labels);
            checkArgument(columns >= 0, "columns must be >= 0 (0 chooses a near-square grid), got %s", columns);
            checkArgument(cellPixels >= 1 && cellPixels <= 4096, "cellPixels must be in [1, 4096], got %s", cellPixels);
            checkArgument(gutter >= 0 && gutter <= 256, "gutter must be in [0, 256], got %s", gutter);
            checkArgument(margin >= 0 && margin <= 1024, "margin must be in [0, 1024], got %s", margin);
            Objects.requireNonNull(channels, "channels");
            Objects.requireNonNull(normalization, "normalization");
            backgroundRgb &= 0xFFFFFF;
        }

        /** No title or labels, auto columns, 48-pixel cells, 2-pixel gutters, 8-pixel margin. */
        public static Options defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        public Builder toBuilder() {
            Builder b = new Builder();
            b.title = title;
            b.labels = labels;
            b.columns = columns;
            b.cellPixels = cellPixels;
            b.gutter = gutter;
            b.margin = margin;
            b.channels = channels;
            b.normalization = normalization;
            b.backgroundRgb = backgroundRgb;
            return b;
        }

        /** These options with another title. */
        public Options withTitle(String newTitle) {
            return toBuilder().title(newTitle).build();
        }
    }

    /** Builds {@link Options}. */
    public static final class Builder {
        private String title;
        private List<String> labels = ImmutableList.of();
        private int columns;
        private int cellPixels = 48;
        private int gutter = 2;
        private int margin = 8;
        private ChannelMode channels = ChannelMode.AUTO;
        private Normalization normalization = Normalization.PER_FILTER;
        private int backgroundRgb = Options.DEFAULT_BACKGROUND;

        private Builder() {}

        public Builder title(String title) {
            this.title = title;
            return this;
        }

        public Builder labels(List<String> labels) {
            this.labels = labels;
            return this;
        }

        public Builder columns(int columns) {
            this.columns = columns;
            return this;
        }

        public Builder cellPixels(int cellPixels) {
            this.cellPixels = cellPixels;
            return this;
        }

        public Builder gutter(int gutter) {
            this.gutter = gutter;
            return this;
        }

        public Builder margin(int margin) {
            this.margin = margin;
            return this;
        }

        public Builder channels(ChannelMode channels) {
            this.channels = channels;
            return this;
        }

        public Builder normalization(Normalization normalization) {
            this.normalization = normalization;
            return this;
        }

        public Builder backgroundRgb(int backgroundRgb) {
            this.backgroundRgb = backgroundRgb;
            return this;
        }

        public Options build() {
            return new Options(title, labels, columns, cellPixels, gutter, margin, channels, normalization,
                    backgroundRgb);
        }
    }

    // ---- Layout -----------------------------------------------------------------------------------

    /**
     * The pixel geometry of a grid.
     *
     * @param cells number of cells drawn
     * @param columns grid columns
     * @param rows grid rows
     * @param pixelWidth width in pixels of one weight
     * @param pixelHeight height in pixels of one weight
     * @param cellWidth {@code kW * pixelWidth}
     * @param cellHeight {@code kH * pixelHeight}
     * @param gutter pixels between cells
     * @param margin pixels around the grid
     * @param titleHeight height of the title band (0 without a title)
     * @param labelHeight height of the label band under each cell (0 without labels)
     * @param gridLeft x of the first column (the margin, or more when a wide title centres the grid)
     * @param width image width
     * @param height image height
     */
    public record Layout(
            int cells, int columns, int rows,
            int pixelWidth, int pixelHeight, int cellWidth, int cellHeight,
            int gutter, int margin, int titleHeight, int labelHeight,
            int gridLeft, int width, int height) {

        /** x of the left edge of cell {@code i}. */
        public int cellX(int i) {
            return gridLeft + (i % columns) * (cellWidth + gutter);
        }

        /** y of the top edge of cell {@code i}. */
        public int cellY(int i) {
            return margin + titleHeight + (i / columns) * (cellHeight + labelHeight + gutter);
        }
    }

    /**
     * The geometry {@link #render(float[], int[], Options)} uses for weights of shape {@code dims}.
     *
     * @throws IllegalArgumentException for a shape that is not {@code [Cout, Cin, kH, kW]} or
     *     {@code [Cout, Cin, k]}, or options that do not fit it
     */
    public static Layout layout(int[] dims, Options opts) {
        Geometry g = Geometry.of(dims, opts);
        return layout(g, opts, textHeights(opts), opts.title() == null ? 0 : titleWidth(opts.title()));
    }

    // ---- Rendering --------------------------------------------------------------------------------

    /** Renders {@code weights} (read with {@link Tensor#toFloatArray()}) with default options. */
    public static BufferedImage render(Tensor weights) {
        return render(weights, Options.defaults());
    }

    /** Renders {@code weights} (read with {@link Tensor#toFloatArray()}). */
    public static BufferedImage render(Tensor weights, Options opts) {
        Objects.requireNonNull(weights, "weights");
        return render(weights.toFloatArray(), weights.shape(), opts);
    }

    /** Renders row-major {@code values} of the given shape. */
    public static BufferedImage render(float[] values, Shape shape, Options opts) {
        Objects.requireNonNull(shape, "shape");
        return render(values, shape.dims(), opts);
    }

    /**
     * Renders row-major {@code values} of shape {@code dims} ({@code [Cout, Cin, kH, kW]} or
     * {@code [Cout, Cin, k]}) as an RGB image.
     *
     * @throws IllegalArgumentException naming the shape when the rank is wrong, a dimension is zero,
     *     the value count does not match, a value is NaN or infinite, the labels do not match the cells,
     *     or RGB is asked for with {@code Cin != 3}
     */
    public static BufferedImage render(float[] values, int[] dims, Options opts) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(dims, "dims");
        Objects.requireNonNull(opts, "opts");
        Geometry g = Geometry.of(dims, opts);
        checkArgument(values.length == g.numel,
                "filter grid: %s values do not fill a weight array of shape %s (%s elements)",
                values.length, Arrays.toString(dims), g.numel);
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("filter grid: weights of shape " + Arrays.toString(dims)
                        + " hold " + values[i] + " at index " + i + " (filter " + (i / (g.cin * g.kh * g.kw))
                        + "); training has probably diverged - plot weights from before the first NaN/Inf loss");
            }
        }
        int[] textHeights = textHeights(opts);
        Layout layout = layout(g, opts, textHeights, opts.title() == null ? 0 : titleWidth(opts.title()));

        BufferedImage image = new BufferedImage(layout.width(), layout.height(), BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        Arrays.fill(pixels, opts.backgroundRgb());

        int[][] cellRgb = cellColours(values, g, opts.normalization());
        for (int cell = 0; cell < g.cells; cell++) {
            int x0 = layout.cellX(cell);
            int y0 = layout.cellY(cell);
            int[] rgb = cellRgb[cell];
            for (int r = 0; r < g.kh; r++) {
                for (int c = 0; c < g.kw; c++) {
                    int colour = rgb[r * g.kw + c];
                    int px = x0 + c * layout.pixelWidth();
                    for (int y = y0 + r * layout.pixelHeight(), yEnd = y + layout.pixelHeight(); y < yEnd; y++) {
                        int rowStart = y * layout.width();
                        Arrays.fill(pixels, rowStart + px, rowStart + px + layout.pixelWidth(), colour);
                    }
                }
            }
        }
        drawText(image, layout, opts);
        return image;
    }

    /** Renders {@code weights} with default options and writes the PNG atomically. */
    public static void write(Tensor weights, Path png) throws IOException {
        write(weights, png, Options.defaults());
    }

    /**
     * Renders {@code weights} and writes the PNG atomically (temporary file beside {@code png}, then
     * a move), creating missing parent directories.
     *
     * @throws IOException naming {@code png} when it cannot be written
     */
    public static void write(Tensor weights, Path png, Options opts) throws IOException {
        Objects.requireNonNull(png, "png");
        Png.write(render(weights, opts), png);
    }

    /** Like {@link #write(Tensor, Path, Options)} for row-major {@code values} of shape {@code dims}. */
    public static void write(float[] values, int[] dims, Path png, Options opts) throws IOException {
        Objects.requireNonNull(png, "png");
        Png.write(render(values, dims, opts), png);
    }

    /** Like {@link #write(Tensor, Path, Options)} for row-major {@code values} of {@code shape}. */
    public static void write(float[] values, Shape shape, Path png, Options opts) throws IOException {
        Objects.requireNonNull(png, "png");
        Png.write(render(values, shape, opts), png);
    }

    // ---- Internals --------------------------------------------------------------------------------

    /** The shape, interpreted, and the cells it produces under the channel mode. */
    private record Geometry(int cout, int cin, int kh, int kw, boolean oneD, ChannelMode mode, int cells,
                            long numel) {
        static Geometry of(int[] dims, Options opts) {
            checkArgument(dims.length == 4 || dims.length == 3,
                    "filter grid: expected weights of shape [Cout, Cin, kH, kW] or [Cout, Cin, k], got %s (rank %s)",
                    Arrays.toString(dims), dims.length);
            for (int d : dims) {
                checkArgument(d > 0, "filter grid: weights of shape %s have an empty or negative dimension",
                        Arrays.toString(dims));
            }
            boolean oneD = dims.length == 3;
            int cout = dims[0];
            int cin = dims[1];
            int kh = oneD ? 1 : dims[2];
            int kw = oneD ? dims[2] : dims[3];
            ChannelMode mode = opts.channels();
            if (mode == ChannelMode.AUTO) {
                mode = cin == 3 ? ChannelMode.RGB : ChannelMode.MEAN;
            }
            checkArgument(mode != ChannelMode.RGB || cin == 3,
                    "filter grid: RGB needs 3 input channels but weights of shape %s have %s; use MEAN or SPLIT",
                    Arrays.toString(dims), cin);
            int cells = mode == ChannelMode.SPLIT ? Math.multiplyExact(cout, cin) : cout;
            checkArgument(opts.labels().isEmpty() || opts.labels().size() == cells,
                    "filter grid: %s labels given for %s cells (weights of shape %s, channels %s)",
                    opts.labels().size(), cells, Arrays.toString(dims), mode);
            long numel = 1;
            for (int d : dims) {
                numel = Math.multiplyExact(numel, d);
            }
            return new Geometry(cout, cin, kh, kw, oneD, mode, cells, numel);
        }
    }

    private static Layout layout(Geometry g, Options opts, int[] textHeights, int titleWidth) {
        int pw;
        int ph;
        if (g.oneD) {
            int target = Math.max(1, opts.cellPixels() * 4 / 3);
            pw = ceilDiv(target, g.kw);
            ph = Math.max(pw, Math.max(1, opts.cellPixels() / 3));
        } else {
            pw = ceilDiv(opts.cellPixels(), Math.max(g.kh, g.kw));
            ph = pw;
        }
        long cw = (long) g.kw * pw;
        long ch = (long) g.kh * ph;
        checkArgument(cw <= 1 << 16 && ch <= 1 << 16, "filter grid: cells of %sx%s pixels are too large", cw, ch);
        int titleH = textHeights[0];
        int labelH = textHeights[1];
        int gut = opts.gutter();
        int cols;
        if (g.mode == ChannelMode.SPLIT) {
            cols = g.cin;
        } else if (opts.columns() > 0) {
            cols = Math.min(opts.columns(), g.cells);
        } else {
            cols = nearSquareColumns(g.cells, cw, ch + labelH, gut);
        }
        int rows = ceilDiv(g.cells, cols);
        long gridW = cols * cw + (long) (cols - 1) * gut;
        long gridH = rows * (ch + labelH) + (long) (rows - 1) * gut;
        long width = Math.max(gridW, titleWidth) + 2L * opts.margin();
        long height = gridH + titleH + 2L * opts.margin();
        checkArgument(width * height <= MAX_PIXELS,
                "filter grid: a %s x %s pixel image for %s cells is too large; lower cellPixels or use MEAN channels",
                width, height, g.cells);
        int gridLeft = (int) (opts.margin() + (Math.max(gridW, titleWidth) - gridW) / 2);
        return new Layout(g.cells, cols, rows, pw, ph, (int) cw, (int) ch, gut, opts.margin(), titleH, labelH,
                gridLeft, (int) width, (int) height);
    }

    /**
     * A near-square grid: among the column counts whose grid is between slightly portrait (3:4) and
     * landscape (about 2:1), the one with the fewest empty slots (then the one closest to 4:3); when no
     * count fits that range (a few long 1-D strips), the one closest to 4:3.
     */
    static int nearSquareColumns(int cells, long cellW, long cellH, int gutter) {
        int best = -1;
        int bestEmpty = Integer.MAX_VALUE;
        double bestDistance = Double.MAX_VALUE;
        int fallback = 1;
        double fallbackDistance = Double.MAX_VALUE;
        for (int cols = 1; cols <= cells; cols++) {
            int rows = ceilDiv(cells, cols);
            if (cols > 1 && ceilDiv(cells, cols - 1) == rows) {
                continue; // same rows with fewer columns: more empty slots for nothing
            }
            double w = cols * cellW + (double) (cols - 1) * gutter;
            double h = rows * cellH + (double) (rows - 1) * gutter;
            double aspect = w / h;
            double distance = Math.abs(Math.log(aspect / (4.0 / 3.0)));
            if (distance < fallbackDistance) {
                fallbackDistance = distance;
                fallback = cols;
            }
            int empty = rows * cols - cells;
            if (aspect >= 0.75 - 1e-9 && aspect <= 2.25
                    && (empty < bestEmpty || (empty == bestEmpty && distance < bestDistance))) {
                best = cols;
                bestEmpty = empty;
                bestDistance = distance;
            }
        }
        return best > 0 ? best : fallback;
    }

    /** One array of packed RGB colours (kH * kW) per cell, in grid order. */
    private static int[][] cellColours(float[] v, Geometry g, Normalization norm) {
        int k = g.kh * g.kw;
        int perFilter = g.cin * k;
        double globalLo = Double.POSITIVE_INFINITY;
        double globalHi = Double.NEGATIVE_INFINITY;
        if (norm == Normalization.GLOBAL) {
            for (int o = 0; o < g.cout; o++) {
                for (double x : shownValues(v, g, o)) { // what is drawn, so MEAN cells use the means' range
                    globalLo = Math.min(globalLo, x);
                    globalHi = Math.max(globalHi, x);
                }
            }
        }
        int[][] out = new int[g.cells][];
        for (int o = 0; o < g.cout; o++) {
            double[] shown = shownValues(v, g, o);
            double lo;
            double hi;
            switch (norm) {
                case GLOBAL -> {
                    lo = globalLo;
                    hi = globalHi;
                }
                case PER_FILTER_SYMMETRIC -> {
                    double m = 0;
                    for (double x : shown) {
                        m = Math.max(m, Math.abs(x));
                    }
                    lo = -m;
                    hi = m;
                }
                default -> {
                    lo = Double.POSITIVE_INFINITY;
                    hi = Double.NEGATIVE_INFINITY;
                    for (double x : shown) {
                        lo = Math.min(lo, x);
                        hi = Math.max(hi, x);
                    }
                }
            }
            switch (g.mode) {
                case RGB -> {
                    int[] rgb = new int[k];
                    for (int i = 0; i < k; i++) {
                        rgb[i] = (level(shown[i], lo, hi) << 16) | (level(shown[k + i], lo, hi) << 8)
                                | level(shown[2 * k + i], lo, hi);
                    }
                    out[o] = rgb;
                }
                case SPLIT -> {
                    for (int c = 0; c < g.cin; c++) {
                        int[] rgb = new int[k];
                        for (int i = 0; i < k; i++) {
                            rgb[i] = gray(level(shown[c * k + i], lo, hi));
                        }
                        out[o * g.cin + c] = rgb;
                    }
                }
                default -> {
                    int[] rgb = new int[k];
                    for (int i = 0; i < k; i++) {
                        rgb[i] = gray(level(shown[i], lo, hi));
                    }
                    out[o] = rgb;
                }
            }
        }
        return out;
    }

    /** Filter {@code o}'s values as drawn: channel-averaged for MEAN, all channels otherwise. */
    private static double[] shownValues(float[] v, Geometry g, int o) {
        int k = g.kh * g.kw;
        int base = o * g.cin * k;
        if (g.mode == ChannelMode.MEAN) {
            double[] shown = new double[k];
            for (int c = 0; c < g.cin; c++) {
                for (int i = 0; i < k; i++) {
                    shown[i] += v[base + c * k + i];
                }
            }
            for (int i = 0; i < k; i++) {
                shown[i] /= g.cin;
            }
            return shown;
        }
        double[] shown = new double[g.cin * k];
        for (int i = 0; i < shown.length; i++) {
            shown[i] = v[base + i];
        }
        return shown;
    }

    /** {@code lo} maps to 0, {@code hi} to 255; a degenerate range to {@link #MID_GRAY}. */
    private static int level(double x, double lo, double hi) {
        if (!(hi > lo)) {
            return MID_GRAY;
        }
        long l = Math.round((x - lo) / (hi - lo) * 255.0);
        return (int) Math.max(0, Math.min(255, l));
    }

    private static int gray(int level) {
        return (level << 16) | (level << 8) | level;
    }

    private static Font titleFont() {
        return new Font(Font.SANS_SERIF, Font.BOLD, TITLE_FONT_PX);
    }

    private static Font labelFont() {
        return new Font(Font.SANS_SERIF, Font.PLAIN, LABEL_FONT_PX);
    }

    /** Heights of the title band and of the per-cell label band (0 when absent). */
    private static int[] textHeights(Options opts) {
        boolean title = opts.title() != null && !opts.title().isEmpty();
        boolean labels = !opts.labels().isEmpty();
        if (!title && !labels) {
            return new int[] {0, 0};
        }
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            int titleH = title ? g.getFontMetrics(titleFont()).getHeight() + 2 * TEXT_PAD : 0;
            int labelH = labels ? g.getFontMetrics(labelFont()).getHeight() + 2 : 0;
            return new int[] {titleH, labelH};
        } finally {
            g.dispose();
        }
    }

    private static int titleWidth(String title) {
        if (title.isEmpty()) {
            return 0;
        }
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            return g.getFontMetrics(titleFont()).stringWidth(title);
        } finally {
            g.dispose();
        }
    }

    private static void drawText(BufferedImage image, Layout layout, Options opts) {
        if (layout.titleHeight() == 0 && layout.labelHeight() == 0) {
            return;
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(new Color(TEXT_RGB));
            if (layout.titleHeight() > 0) {
                g.setFont(titleFont());
                FontMetrics fm = g.getFontMetrics();
                int x = (layout.width() - fm.stringWidth(opts.title())) / 2;
                int y = layout.margin() + TEXT_PAD + fm.getAscent();
                g.drawString(opts.title(), x, y);
            }
            if (layout.labelHeight() > 0) {
                g.setFont(labelFont());
                FontMetrics fm = g.getFontMetrics();
                for (int i = 0; i < layout.cells(); i++) {
                    String label = opts.labels().get(i);
                    if (label == null || label.isEmpty()) {
                        continue;
                    }
                    int cx = layout.cellX(i);
                    int top = layout.cellY(i) + layout.cellHeight();
                    Graphics2D clip = (Graphics2D) g.create(cx, top, layout.cellWidth(), layout.labelHeight());
                    try {
                        int x = Math.max(0, (layout.cellWidth() - fm.stringWidth(label)) / 2);
                        clip.drawString(label, x, 1 + fm.getAscent());
                    } finally {
                        clip.dispose();
                    }
                }
            }
        } finally {
            g.dispose();
        }
    }

    private static int ceilDiv(long a, long b) {
        return (int) ((a + b - 1) / b);
    }
}
