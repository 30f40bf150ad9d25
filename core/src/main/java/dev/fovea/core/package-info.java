/**
 * Fovea's library above the backend SPI. Sub-packages:
 * <ul>
 *   <li>{@code device}: backend discovery and device selection;</li>
 *   <li>{@code tensor}: the tensor with reverse-mode autograd, its operations and factories;</li>
 *   <li>{@code autograd}: the public gradient checker;</li>
 *   <li>{@code nn} and {@code nn.init}: layers (config, init, forward), losses and initializers;</li>
 *   <li>{@code optim}: optimizers, learning-rate schedules and gradient clipping;</li>
 *   <li>{@code data}: datasets, the data loader and the IDX reader;</li>
 *   <li>{@code train}: the trainer, its listeners and console progress;</li>
 *   <li>{@code io}: safetensors files, model save/load and training checkpoints;</li>
 *   <li>{@code plot}: filter grids and training curves as PNG;</li>
 *   <li>{@code inject}: the Guice module that wires an application's device, settings, listeners and
 *       trainer (nothing else in core uses Guice).</li>
 * </ul>
 */
package dev.fovea.core;
