/**
 * Weight initialisation: {@link dev.fovea.core.nn.init.Init}, a closed set of plain-data records
 * (constants, normal, uniform, Xavier/Glorot, Kaiming/He) that a layer config names and a checkpoint
 * can write down. Random initialisers draw from a counter-based
 * {@link dev.fovea.core.tensor.RandomSource}, so the same seed gives the same weights on every backend.
 */
package dev.fovea.core.nn.init;
