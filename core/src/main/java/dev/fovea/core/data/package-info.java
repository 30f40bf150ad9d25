/**
 * Training data: where examples come from and how they reach a device in batches.
 *
 * <ul>
 *   <li>{@link dev.fovea.core.data.Dataset} — a fixed, indexed collection of labelled examples of
 *       one {@link dev.fovea.api.Shape}; {@link dev.fovea.core.data.InMemoryDataset} holds them in a
 *       {@code float[]}/{@code int[]} pair.
 *   <li>{@link dev.fovea.core.data.DataLoader} — batches, seeded shuffling (a pure function of
 *       seed and epoch, see {@link dev.fovea.core.data.Shuffle}), the short-last-batch policy,
 *       background prefetch of host arrays, and upload to a device as
 *       {@link dev.fovea.core.data.Batch} tensors.
 *   <li>{@link dev.fovea.core.data.Idx} and {@link dev.fovea.core.data.MnistFormat} — the IDX file
 *       format of MNIST and Fashion-MNIST (plain or gzip), validated against the file's real size.
 *   <li>{@link dev.fovea.core.data.Datasets} — named datasets: Fashion-MNIST, MNIST, and the small
 *       bundled UCI optical digits set that needs no download.
 *   <li>{@link dev.fovea.core.data.Normalize} and {@link dev.fovea.core.data.Augment} — per-channel
 *       normalisation and seeded augmentations, as {@link dev.fovea.core.data.ExampleTransform}s the
 *       loader applies on the host.
 * </ul>
 *
 * <p>Everything random here is deterministic: shuffles and augmentations draw from
 * {@link dev.fovea.core.data.SeededRandom} streams keyed by (seed, epoch[, example index]), so a run
 * can be repeated or resumed at any batch and see the same data.
 */
package dev.fovea.core.data;
