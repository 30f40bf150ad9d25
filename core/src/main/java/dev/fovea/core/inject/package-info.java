/**
 * Guice wiring for applications: {@link dev.fovea.core.inject.FoveaModule} binds the selected
 * {@link dev.fovea.api.Device} (from an explicit name, {@code -Dfovea.backend}, {@code FOVEA_BACKEND} or
 * the best-ranked backend), the {@link dev.fovea.core.inject.TrainingSettings} and a
 * {@link com.google.inject.multibindings.Multibinder multibound} set of
 * {@link dev.fovea.core.train.TrainingListener}s, so that an application gets a ready
 * {@link dev.fovea.core.train.Trainer} by injection.
 *
 * <p>Guice wires applications, not tensors: nothing outside this package imports Guice, and tensor,
 * layer and training code never needs an injector. This package depends on {@code device} and
 * {@code train}; nothing in core depends on it.
 */
package dev.fovea.core.inject;
