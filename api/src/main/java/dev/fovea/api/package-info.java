/**
 * What a Fovea user programs against: {@link dev.fovea.api.Tensor}, {@link dev.fovea.api.Layer},
 * {@link dev.fovea.api.Optimizer} and the value types {@link dev.fovea.api.Shape},
 * {@link dev.fovea.api.DType} and {@link dev.fovea.api.Device}.
 *
 * <p>This module depends on the JDK alone, so that a backend author or a user's library can
 * depend on it without inheriting anyone's dependency tree.
 */
package dev.fovea.api;
