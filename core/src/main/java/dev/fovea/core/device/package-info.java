/**
 * Finding backends and choosing a device: {@link dev.fovea.core.device.BackendRegistry} loads
 * every {@link dev.fovea.api.backend.BackendProvider} with {@link java.util.ServiceLoader};
 * {@link dev.fovea.core.device.Devices} is the short static front most programs use.
 */
package dev.fovea.core.device;
