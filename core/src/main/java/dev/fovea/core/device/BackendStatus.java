package dev.fovea.core.device;

import com.google.common.collect.ImmutableList;
import dev.fovea.api.backend.DeviceInfo;

/**
 * What discovery found about one backend: whether it can run here, why not, and its devices.
 *
 * @param name the provider's name
 * @param rank the provider's rank (higher is preferred)
 * @param available whether it can be opened
 * @param reason why not, when unavailable ("" otherwise)
 * @param devices its devices (empty when unavailable)
 */
public record BackendStatus(
        String name, int rank, boolean available, String reason, ImmutableList<DeviceInfo> devices) {}
