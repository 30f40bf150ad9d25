/**
 * Checkpoints you can trust: the safetensors format ({@link dev.fovea.core.io.SafetensorsFile},
 * {@link dev.fovea.core.io.Safetensors}), saving and loading models without re-declaring them
 * ({@link dev.fovea.core.io.ModelIo}, with custom layer types from
 * {@link dev.fovea.core.io.LayerTypeProvider}s), and training checkpoints that resume exactly
 * ({@link dev.fovea.core.io.Checkpoint}). Saves are atomic; loaders validate every file before they
 * allocate or change anything and report a {@link dev.fovea.core.io.CheckpointFormatException} that
 * names the file. No Java serialization: safetensors and JSON only. See docs/checkpoints.md.
 */
package dev.fovea.core.io;
