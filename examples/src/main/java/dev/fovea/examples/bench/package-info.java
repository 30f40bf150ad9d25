/**
 * What {@code fovea bench} measures: SGEMM, the convolution shapes of the performance issue forward
 * and forward+backward, and a LeNet training step ({@link dev.fovea.examples.bench.Benchmarks}),
 * and the same in PyTorch for comparison ({@link dev.fovea.examples.bench.TorchReference}).
 */
package dev.fovea.examples.bench;
