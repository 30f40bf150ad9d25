package dev.fovea.api.backend;

/**
 * Host-device traffic and device memory of one opened {@link Backend}: what a test or a profiler
 * reads to prove that tensors stay on their device. Counts are since the backend opened.
 *
 * <p>A training step on a device should add exactly the batch's uploads (inputs and labels) and
 * one download (the loss) — nothing else crosses.
 *
 * @param uploads host-to-device copies since the backend opened ({@link Backend#upload} calls that
 *     moved at least one element)
 * @param uploadBytes bytes those uploads moved
 * @param downloads device-to-host copies since the backend opened ({@link Backend#download} calls
 *     that moved at least one element)
 * @param downloadBytes bytes those downloads moved
 * @param bytesInUse device bytes held now by buffers not yet released (as the backend allocates
 *     them, e.g. rounded up to a pool's size classes)
 * @param pooledBytes device bytes of released buffers that the backend keeps for reuse (0 without
 *     a pool)
 */
public record TransferStats(long uploads, long uploadBytes, long downloads, long downloadBytes, long bytesInUse,
        long pooledBytes) {

    /** @throws IllegalArgumentException for a negative count */
    public TransferStats {
        if (uploads < 0 || uploadBytes < 0 || downloads < 0 || downloadBytes < 0 || bytesInUse < 0
                || pooledBytes < 0) {
            throw new IllegalArgumentException("transfer stats cannot be negative: " + uploads + " uploads ("
                    + uploadBytes + " B), " + downloads + " downloads (" + downloadBytes + " B), " + bytesInUse
                    + " B in use, " + pooledBytes + " B pooled");
        }
    }

    /** Copies in either direction. */
    public long transfers() {
        return uploads + downloads;
    }

    /**
     * The traffic between {@code earlier} and this snapshot (counts and bytes subtracted); the memory
     * fields are this snapshot's.
     */
    public TransferStats since(TransferStats earlier) {
        return new TransferStats(uploads - earlier.uploads, uploadBytes - earlier.uploadBytes,
                downloads - earlier.downloads, downloadBytes - earlier.downloadBytes, bytesInUse, pooledBytes);
    }
}
