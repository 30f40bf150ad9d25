/**
 * The seed question answered by experiment: the numbers in a convolution filter are weights that
 * start random and are moved by backpropagation. {@link dev.fovea.examples.filters.FilterRegression}
 * learns a known filter back from examples of its output; {@link dev.fovea.examples.filters.PeakClassification}
 * learns a 3-tap peak detector from labels alone and shows what shape it takes.
 */
package dev.fovea.examples.filters;
