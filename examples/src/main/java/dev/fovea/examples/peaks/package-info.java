/**
 * The seed question's example: a designed filter {@code [-1 1 -1]} slides over a short signal to
 * find its local peaks, and a max pool picks the strongest response. Computed with the
 * framework's own {@code conv1d} and {@code maxPool1d}; also shows how convolution (MATLAB's
 * {@code conv}, kernel flipped) differs from the cross-correlation every CNN layer computes.
 */
package dev.fovea.examples.peaks;
