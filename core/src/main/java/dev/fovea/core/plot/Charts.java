package dev.fovea.core.plot;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line and bar charts of training, drawn with JFreeChart and written as PNG files.
 *
 * <ul>
 *   <li>{@link #trainingCurves(String, List, Path)}: train loss (top panel) and test accuracy (bottom
 *       panel) per epoch, sharing the epoch axis.</li>
 *   <li>{@link #lines(String, String, String, LinkedHashMap, Path)} and {@link #lineChart}: any named
 *       series against epoch (or given x values), each optionally with a dashed target line in its own
 *       colour, e.g. the three weights of a 3-tap filter moving toward {@code [-1, 1, -1]}.</li>
 *   <li>{@link #bars}: grouped bars, e.g. a learned filter beside its target.</li>
 * </ul>
 *
 * <p>Charts are {@value #WIDTH} x {@value #HEIGHT} pixels unless told otherwise, on white, anti-aliased.
 * NaN and infinite values (a diverged run) are drawn as gaps rather than rejected. Every write is
 * atomic and creates missing parent directories. The {@code ...Chart} methods return the
 * {@link JFreeChart} for callers who want to restyle it before {@link #write(JFreeChart, Path, int, int)}.
 */
public final class Charts {
    static {
        Png.ensureHeadlessWithoutDisplay(); // before any AWT class initialises
    }

    /** Default chart width in pixels. */
    public static final int WIDTH = 900;

    /** Default chart height in pixels. */
    public static final int HEIGHT = 500;

    /** Series colours (Tableau 10): distinct, print well, readable by most colour-blind people. */
    private static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x59A14F),
        new Color(0x76B7B2), new Color(0xB07AA1), new Color(0xEDC948), new Color(0xFF9DA7),
        new Color(0x9C755F), new Color(0x6B6B6B),
    };

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 20);
    private static final Font SUBTITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font AXIS_LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font MARKER_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Color GRID = new Color(0xE2E2E2);
    private static final Color TEXT = new Color(0x222222);
    private static final Stroke LINE = new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    private static final Stroke DASHED = new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
            new float[] {8f, 6f}, 0f);
    /** Series with at most this many points are drawn with a dot at each point. */
    private static final int MAX_POINTS_WITH_DOTS = 30;

    private Charts() {}

    // ---- Training curves --------------------------------------------------------------------------

    /** {@link #trainingCurves(String, List, Path)} titled "Training". */
    public static void trainingCurves(List<EpochPoint> points, Path png) throws IOException {
        trainingCurves("Training", points, png);
    }

    /**
     * Writes train loss and test accuracy per epoch as a {@value #WIDTH} x {@value #HEIGHT} PNG: loss in
     * the top panel, accuracy (as a percentage) in the bottom one, sharing the epoch axis. The accuracy
     * panel is left out when no epoch measured it. A subtitle states the last epoch's numbers.
     *
     * @throws IllegalArgumentException when {@code points} is empty
     * @throws IOException naming {@code png} when it cannot be written
     */
    public static void trainingCurves(String title, List<EpochPoint> points, Path png) throws IOException {
        write(trainingCurvesChart(title, points), png, WIDTH, HEIGHT);
    }

    /** The chart {@link #trainingCurves(String, List, Path)} writes. */
    public static JFreeChart trainingCurvesChart(String title, List<EpochPoint> points) {
        Objects.requireNonNull(points, "points");
        checkArgument(!points.isEmpty(), "training curves: no epochs to plot");
        XYSeries loss = new XYSeries("train loss", false, true);
        XYSeries accuracy = new XYSeries("test accuracy", false, true);
        boolean anyAccuracy = false;
        for (EpochPoint p : points) {
            Objects.requireNonNull(p, "points hold a null EpochPoint");
            loss.add(p.epoch(), finiteOrNull(p.trainLoss()));
            accuracy.add(p.epoch(), finiteOrNull(p.testAccuracy()));
            anyAccuracy |= !Double.isNaN(p.testAccuracy());
        }
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochAxis.setAutoRangeIncludesZero(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.setGap(14);

        NumberAxis lossAxis = new NumberAxis("loss");
        lossAxis.setAutoRangeIncludesZero(false);
        XYPlot lossPlot = new XYPlot(new XYSeriesCollection(loss), null, lossAxis, lineRenderer(1, points.size()));
        plot.add(lossPlot, 1);
        if (anyAccuracy) {
            NumberAxis accAxis = new NumberAxis("test accuracy");
            accAxis.setAutoRangeIncludesZero(false);
            accAxis.setNumberFormatOverride(percentFormat());
            XYLineAndShapeRenderer accRenderer = lineRenderer(1, points.size());
            accRenderer.setSeriesPaint(0, PALETTE[1]);
            plot.add(new XYPlot(new XYSeriesCollection(accuracy), null, accAxis, accRenderer), 1);
        }
        JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, true);
        EpochPoint last = points.get(points.size() - 1);
        StringBuilder sub = new StringBuilder("epoch ").append(last.epoch()).append(": train loss ")
                .append(number(last.trainLoss()));
        if (!Double.isNaN(last.testAccuracy())) {
            sub.append(", test accuracy ").append(percentFormat().format(last.testAccuracy()));
        }
        chart.addSubtitle(new TextTitle(sub.toString(), SUBTITLE_FONT));
        return style(chart);
    }

    // ---- Line charts ------------------------------------------------------------------------------

    /**
     * Writes named series as lines, series {@code s} value {@code i} at x = {@code i + 1} (epoch
     * numbers), as a {@value #WIDTH} x {@value #HEIGHT} PNG.
     *
     * @throws IllegalArgumentException when there are no series or a series is empty
     * @throws IOException naming {@code png} when it cannot be written
     */
    public static void lines(String title, String xLabel, String yLabel, LinkedHashMap<String, double[]> series,
            Path png) throws IOException {
        lines(title, xLabel, yLabel, series, Map.of(), png);
    }

    /**
     * Like {@link #lines(String, String, String, LinkedHashMap, Path)}, with a dashed horizontal line at
     * {@code targets.get(name)} in the colour of each named series: the value the series should reach.
     *
     * @throws IllegalArgumentException when a target names no series or is not finite
     */
    public static void lines(String title, String xLabel, String yLabel, LinkedHashMap<String, double[]> series,
            Map<String, Double> targets, Path png) throws IOException {
        LineChart chart = lineChart(title, xLabel, yLabel);
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(targets, "targets");
        for (String name : targets.keySet()) {
            checkArgument(series.containsKey(name), "line chart: target given for '%s', which is not one of the series %s",
                    name, series.keySet());
        }
        series.forEach((name, values) -> {
            Double t = targets.get(name);
            if (t == null) {
                chart.series(name, values);
            } else {
                chart.series(name, values, t);
            }
        });
        chart.write(png);
    }

    /**
     * Starts a line chart to which series (with optional targets), shared x values and a size can be
     * added:
     *
     * <pre>{@code
     * Charts.lineChart("3-tap filter learning [-1, 1, -1]", "epoch", "weight")
     *         .series("w[0]", w0, -1).series("w[1]", w1, 1).series("w[2]", w2, -1)
     *         .write(Path.of("/tmp/taps.png"));
     * }</pre>
     */
    public static LineChart lineChart(String title, String xLabel, String yLabel) {
        return new LineChart(title, xLabel, yLabel);
    }

    /** A line chart being put together; see {@link #lineChart(String, String, String)}. Not thread-safe. */
    public static final class LineChart {
        private final String title;
        private final String xLabel;
        private final String yLabel;
        private final List<String> names = new ArrayList<>();
        private final List<double[]> values = new ArrayList<>();
        private final List<Double> targets = new ArrayList<>();
        private double[] x;
        private int width = WIDTH;
        private int height = HEIGHT;

        private LineChart(String title, String xLabel, String yLabel) {
            this.title = title;
            this.xLabel = xLabel;
            this.yLabel = yLabel;
        }

        /** Adds a series drawn at x = 1, 2, ... (or at the {@link #x(double[]) shared x values}). */
        public LineChart series(String name, double[] ys) {
            return add(name, ys, null);
        }

        /** Adds a series with a dashed target line at {@code target} in the series' colour. */
        public LineChart series(String name, double[] ys, double target) {
            checkArgument(Double.isFinite(target), "line chart: target %s of series '%s' is not finite", target, name);
            return add(name, ys, target);
        }

        private LineChart add(String name, double[] ys, Double target) {
            Objects.requireNonNull(name, "series name");
            Objects.requireNonNull(ys, "values of series " + name);
            checkArgument(!names.contains(name), "line chart: series '%s' was added twice", name);
            checkArgument(ys.length > 0, "line chart: series '%s' has no values", name);
            names.add(name);
            values.add(ys.clone());
            targets.add(target);
            return this;
        }

        /** The x value of each point, shared by all series (each must then have {@code x.length} values). */
        public LineChart x(double[] xs) {
            Objects.requireNonNull(xs, "x");
            for (double v : xs) {
                checkArgument(Double.isFinite(v), "line chart: x values must be finite, got %s", v);
            }
            this.x = xs.clone();
            return this;
        }

        /** The PNG size in pixels (default {@value Charts#WIDTH} x {@value Charts#HEIGHT}). */
        public LineChart size(int width, int height) {
            checkSize(width, height);
            this.width = width;
            this.height = height;
            return this;
        }

        /** The JFreeChart, for restyling. */
        public JFreeChart chart() {
            checkArgument(!names.isEmpty(), "line chart '%s': no series to plot", title);
            XYSeriesCollection data = new XYSeriesCollection();
            int maxPoints = 0;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < names.size(); s++) {
                double[] ys = values.get(s);
                checkArgument(x == null || x.length == ys.length,
                        "line chart: series '%s' has %s values but %s x values were given", names.get(s), ys.length,
                        x == null ? 0 : x.length);
                XYSeries series = new XYSeries(names.get(s), false, true);
                for (int i = 0; i < ys.length; i++) {
                    series.add(x == null ? i + 1 : x[i], finiteOrNull(ys[i]));
                    if (Double.isFinite(ys[i])) {
                        lo = Math.min(lo, ys[i]);
                        hi = Math.max(hi, ys[i]);
                    }
                }
                data.addSeries(series);
                maxPoints = Math.max(maxPoints, ys.length);
            }
            NumberAxis xAxis = new NumberAxis(xLabel);
            xAxis.setAutoRangeIncludesZero(false);
            if (x == null || allIntegers(x)) {
                xAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            }
            NumberAxis yAxis = new NumberAxis(yLabel);
            yAxis.setAutoRangeIncludesZero(false);
            XYLineAndShapeRenderer renderer = lineRenderer(names.size(), maxPoints);
            XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
            // one dashed line per distinct target, in the colour of the first series aiming at it
            Map<Double, List<Integer>> byTarget = new LinkedHashMap<>();
            for (int s = 0; s < names.size(); s++) {
                if (targets.get(s) != null) {
                    byTarget.computeIfAbsent(targets.get(s), t -> new ArrayList<>()).add(s);
                }
            }
            boolean anyTarget = !byTarget.isEmpty();
            for (Map.Entry<Double, List<Integer>> e : byTarget.entrySet()) {
                double t = e.getKey();
                lo = Math.min(lo, t);
                hi = Math.max(hi, t);
                Color colour = PALETTE[e.getValue().get(0) % PALETTE.length];
                StringBuilder label = new StringBuilder("target ");
                for (int i = 0; i < e.getValue().size(); i++) {
                    label.append(i == 0 ? "" : ", ").append(names.get(e.getValue().get(i)));
                }
                label.append(" = ").append(number(t));
                ValueMarker marker = new ValueMarker(t, colour, DASHED);
                marker.setLabel(label.toString());
                marker.setLabelFont(MARKER_FONT);
                marker.setLabelPaint(darker(colour));
                marker.setLabelBackgroundColor(new Color(255, 255, 255, 215));
                marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
                marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
                marker.setLabelOffset(new RectangleInsets(2, 6, 2, 6));
                plot.addRangeMarker(marker);
            }
            if (anyTarget && lo <= hi) {
                // markers do not count toward the automatic range: make room for them and their labels
                double span = hi - lo;
                double pad = span > 0 ? span * 0.08 : Math.max(Math.abs(hi) * 0.1, 1.0);
                yAxis.setRange(lo - pad, hi + pad * 1.6);
            }
            JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, names.size() > 1 || anyTarget);
            return style(chart);
        }

        /** Renders the chart. */
        public BufferedImage render() {
            return Charts.render(chart(), width, height);
        }

        /**
         * Writes the chart as a PNG atomically.
         *
         * @throws IOException naming {@code png} when it cannot be written
         */
        public void write(Path png) throws IOException {
            Charts.write(chart(), png, width, height);
        }
    }

    // ---- Bar charts -------------------------------------------------------------------------------

    /**
     * Writes grouped vertical bars: for each category (say each tap of a filter) one bar per series
     * (say "learned" and "target"), value labels on the bars, {@value #WIDTH} x {@value #HEIGHT} pixels.
     *
     * @param categories names of the bar groups, or {@code null} for "0", "1", ...
     * @param series values per series, each with one value per category
     * @throws IllegalArgumentException when there are no series, lengths disagree or a value is not finite
     * @throws IOException naming {@code png} when it cannot be written
     */
    public static void bars(String title, String categoryLabel, String valueLabel, List<String> categories,
            LinkedHashMap<String, double[]> series, Path png) throws IOException {
        write(barsChart(title, categoryLabel, valueLabel, categories, series), png, WIDTH, HEIGHT);
    }

    /** The chart {@link #bars} writes. */
    public static JFreeChart barsChart(String title, String categoryLabel, String valueLabel, List<String> categories,
            LinkedHashMap<String, double[]> series) {
        Objects.requireNonNull(series, "series");
        checkArgument(!series.isEmpty(), "bar chart '%s': no series to plot", title);
        int n = series.values().iterator().next().length;
        checkArgument(n > 0, "bar chart '%s': series have no values", title);
        List<String> cats;
        if (categories == null) {
            List<String> generated = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                generated.add(Integer.toString(i));
            }
            cats = generated;
        } else {
            cats = ImmutableList.copyOf(categories);
            checkArgument(cats.size() == n, "bar chart '%s': %s categories for %s values per series", title,
                    cats.size(), n);
            checkArgument(cats.stream().distinct().count() == cats.size(), "bar chart '%s': categories %s repeat",
                    title, cats);
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        series.forEach((name, values) -> {
            Objects.requireNonNull(values, "values of series " + name);
            checkArgument(values.length == n, "bar chart '%s': series '%s' has %s values, expected %s", title, name,
                    values.length, n);
            for (int i = 0; i < n; i++) {
                checkArgument(Double.isFinite(values[i]), "bar chart '%s': series '%s' value %s is %s", title, name,
                        i, values[i]);
                data.addValue(values[i], name, cats.get(i));
            }
        });
        CategoryAxis catAxis = new CategoryAxis(categoryLabel);
        catAxis.setCategoryMargin(0.25);
        NumberAxis valueAxis = new NumberAxis(valueLabel);
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        renderer.setItemMargin(0.06);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
                new DecimalFormat("0.###", java.text.DecimalFormatSymbols.getInstance(Locale.ROOT))));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(MARKER_FONT);
        renderer.setDefaultItemLabelPaint(TEXT);
        for (int s = 0; s < series.size(); s++) {
            renderer.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
        }
        CategoryPlot plot = new CategoryPlot(data, catAxis, valueAxis, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setRangeZeroBaselineVisible(true);
        plot.setRangeZeroBaselinePaint(new Color(0x888888));
        valueAxis.setUpperMargin(0.12);
        valueAxis.setLowerMargin(0.12);
        JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, series.size() > 1);
        return style(chart);
    }

    // ---- Output -----------------------------------------------------------------------------------

    /** Draws {@code chart} into a {@code width x height} RGB image. */
    public static BufferedImage render(JFreeChart chart, int width, int height) {
        Objects.requireNonNull(chart, "chart");
        checkSize(width, height);
        return chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
    }

    /**
     * Writes {@code chart} as a {@code width x height} PNG atomically, creating missing parent directories.
     *
     * @throws IOException naming {@code png} when it cannot be written
     */
    public static void write(JFreeChart chart, Path png, int width, int height) throws IOException {
        Objects.requireNonNull(png, "png");
        Png.write(render(chart, width, height), png);
    }

    // ---- Style ------------------------------------------------------------------------------------

    private static JFreeChart style(JFreeChart chart) {
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        chart.getRenderingHints().put(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        if (chart.getTitle() != null) {
            chart.getTitle().setPaint(TEXT);
            chart.getTitle().setMargin(4, 0, 2, 0);
        }
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof TextTitle t) {
                t.setPaint(new Color(0x555555));
            }
        }
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setItemFont(LEGEND_FONT);
            legend.setItemPaint(TEXT);
            legend.setFrame(BlockBorder.NONE);
            legend.setBackgroundPaint(Color.WHITE);
            legend.setPosition(RectangleEdge.BOTTOM);
        }
        stylePlot(chart.getPlot());
        return chart;
    }

    private static void stylePlot(Plot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        if (plot instanceof CombinedDomainXYPlot combined) {
            styleAxis(combined.getDomainAxis());
            for (Object sub : combined.getSubplots()) {
                stylePlot((Plot) sub);
            }
        } else if (plot instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(GRID);
            xy.setRangeGridlinePaint(GRID);
            xy.setDomainGridlineStroke(new BasicStroke(1f));
            xy.setRangeGridlineStroke(new BasicStroke(1f));
            xy.setAxisOffset(RectangleInsets.ZERO_INSETS);
            if (xy.getDomainAxis() != null) {
                styleAxis(xy.getDomainAxis());
            }
            styleAxis(xy.getRangeAxis());
        } else if (plot instanceof CategoryPlot cat) {
            cat.setRangeGridlinePaint(GRID);
            cat.setRangeGridlineStroke(new BasicStroke(1f));
            cat.setAxisOffset(RectangleInsets.ZERO_INSETS);
            cat.getDomainAxis().setLabelFont(AXIS_LABEL_FONT);
            cat.getDomainAxis().setTickLabelFont(TICK_FONT);
            cat.getDomainAxis().setLabelPaint(TEXT);
            cat.getDomainAxis().setTickLabelPaint(TEXT);
            styleAxis(cat.getRangeAxis());
        }
    }

    private static void styleAxis(ValueAxis axis) {
        axis.setLabelFont(AXIS_LABEL_FONT);
        axis.setTickLabelFont(TICK_FONT);
        axis.setLabelPaint(TEXT);
        axis.setTickLabelPaint(TEXT);
        axis.setAxisLinePaint(new Color(0x888888));
        axis.setTickMarkPaint(new Color(0x888888));
    }

    private static XYLineAndShapeRenderer lineRenderer(int seriesCount, int points) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, points <= MAX_POINTS_WITH_DOTS);
        r.setAutoPopulateSeriesStroke(false);
        r.setDefaultStroke(LINE);
        for (int s = 0; s < seriesCount; s++) {
            Paint p = PALETTE[s % PALETTE.length];
            r.setSeriesPaint(s, p);
            r.setSeriesStroke(s, LINE);
            r.setSeriesShape(s, new java.awt.geom.Ellipse2D.Double(-3.5, -3.5, 7, 7));
        }
        r.setDrawSeriesLineAsPath(false);
        return r;
    }

    // ---- Small helpers ----------------------------------------------------------------------------

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static boolean allIntegers(double[] xs) {
        for (double v : xs) {
            if (v != Math.rint(v)) {
                return false;
            }
        }
        return true;
    }

    private static NumberFormat percentFormat() {
        NumberFormat f = NumberFormat.getPercentInstance(Locale.ROOT);
        f.setMaximumFractionDigits(1);
        return f;
    }

    private static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return new DecimalFormat("0.####", java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)).format(v);
    }

    private static Color darker(Color c) {
        return new Color((int) (c.getRed() * 0.75), (int) (c.getGreen() * 0.75), (int) (c.getBlue() * 0.75));
    }

    private static void checkSize(int width, int height) {
        checkArgument(width >= 100 && height >= 100 && (long) width * height <= FilterGrid.MAX_PIXELS,
                "chart size %s x %s is outside 100 x 100 .. %s pixels", width, height, FilterGrid.MAX_PIXELS);
    }
}
