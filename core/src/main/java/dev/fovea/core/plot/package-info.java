/**
 * Pictures of training, written as PNG files: people would rather look than read.
 *
 * <ul>
 *   <li>{@link dev.fovea.core.plot.FilterGrid} draws convolution weights ({@code [Cout, Cin, kH, kW]}
 *       or 1-D {@code [Cout, Cin, k]}) as a grid of enlarged gray (or RGB) cells, one per filter, so
 *       you can watch random noise turn into edge and blob detectors epoch by epoch.</li>
 *   <li>{@link dev.fovea.core.plot.Charts} draws training curves (train loss and test accuracy per
 *       {@link dev.fovea.core.plot.EpochPoint epoch}), general line charts with optional dashed target
 *       lines (a 3-tap filter's weights moving toward {@code [-1, 1, -1]}), and grouped bar charts
 *       (a learned filter beside its target).</li>
 * </ul>
 *
 * <p>Everything here runs headless: when no display is present ({@code DISPLAY} and
 * {@code WAYLAND_DISPLAY} unset) and {@code java.awt.headless} is not set, the classes set it before
 * touching AWT. Files are written atomically (a temporary file in the target directory, forced to
 * disk, then moved over the target), so a reader never sees half a PNG and a failed write leaves the
 * old file in place. The package depends only on the JDK, JFreeChart, Guava and the api's
 * {@link dev.fovea.api.Tensor} / {@link dev.fovea.api.Shape} (through {@code toFloatArray()} and
 * {@code shape()}), never on core's tensor internals.
 */
package dev.fovea.core.plot;
