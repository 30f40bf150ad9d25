/**
 * Layers, losses and metrics: the building blocks of a model.
 *
 * <p>A layer is <b>config &rarr; init(device, rng) &rarr; forward</b>. A {@link dev.fovea.core.nn.LayerConfig}
 * is an immutable record of plain data (numbers, strings, enums, nested configs and
 * {@link dev.fovea.core.nn.init.Init} records) with fluent withers; {@code init} draws the parameters
 * from a seeded {@link dev.fovea.core.tensor.RandomSource} and returns the layer:
 *
 * <pre>{@code
 * var model = Sequential.of(
 *         Conv2d.of(1, 32, 5).padding(2), ReLU.of(), MaxPool2d.of(2),
 *         Conv2d.of(32, 64, 5).padding(2), ReLU.of(), MaxPool2d.of(2),
 *         Flatten.of(), Linear.of(3136, 128), ReLU.of(), Linear.of(128, 10))
 *     .init(device, seed);
 * model.parameters().keySet();   // 0.weight, 0.bias, 3.weight, 3.bias, 7.weight, ...
 * Tensor loss = Losses.crossEntropy(model.forward(images), labels);
 * }</pre>
 *
 * <p>Layers: {@link dev.fovea.core.nn.Linear}, {@link dev.fovea.core.nn.Conv1d},
 * {@link dev.fovea.core.nn.Conv2d}, {@link dev.fovea.core.nn.MaxPool1d}, {@link dev.fovea.core.nn.MaxPool2d},
 * {@link dev.fovea.core.nn.AvgPool2d}, {@link dev.fovea.core.nn.GlobalAvgPool2d},
 * {@link dev.fovea.core.nn.GlobalMaxPool2d}, {@link dev.fovea.core.nn.ReLU}, {@link dev.fovea.core.nn.LeakyReLU},
 * {@link dev.fovea.core.nn.Sigmoid}, {@link dev.fovea.core.nn.Tanh}, {@link dev.fovea.core.nn.GELU},
 * {@link dev.fovea.core.nn.Softmax}, {@link dev.fovea.core.nn.Flatten}, {@link dev.fovea.core.nn.Dropout},
 * {@link dev.fovea.core.nn.BatchNorm1d}, {@link dev.fovea.core.nn.BatchNorm2d} and
 * {@link dev.fovea.core.nn.Sequential}. Custom layers extend {@link dev.fovea.core.nn.AbstractLayer}.
 * Losses are in {@link dev.fovea.core.nn.Losses}, accuracy in {@link dev.fovea.core.nn.Metrics};
 * {@link dev.fovea.core.nn.ClassLabels} uploads class labels checked on the host, which cross-entropy
 * trusts without a read-back. {@link dev.fovea.core.nn.Models#moveTo} moves a model to another device.
 */
package dev.fovea.core.nn;
