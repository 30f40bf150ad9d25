package dev.fovea.backend.cpu;

/**
 * Walks several strided operands of one shape together, row by row: size-1 dimensions are
 * dropped and dimensions that are contiguous for every operand are merged, so the innermost
 * loop (a "row") is as long as possible and a kernel switches on its op once per row, never per
 * element.
 *
 * <pre>{@code
 * Loop loop = Loop.plan(dims, offsets, strides...);
 * for (long r = 0; r < loop.rows(); r++) {
 *     kernel(loop.offset(0), loop.innerStride(0), ..., loop.innerSize());
 *     loop.next();
 * }
 * }</pre>
 */
final class Loop {
    private final int rank;
    private final int[] dims;
    private final int[][] strides; // [operand][dim]
    private final int[] offsets;
    private final int[] start;
    private final int[] counter;
    private final long rows;

    private Loop(int[] dims, int[][] strides, int[] offsets) {
        this.rank = dims.length;
        this.dims = dims;
        this.strides = strides;
        this.offsets = offsets;
        this.start = offsets.clone();
        this.counter = new int[rank];
        long r = 1;
        for (int i = 0; i < rank - 1; i++) {
            r *= dims[i];
        }
        this.rows = r;
    }

    /**
     * Plans a walk over {@code dims} for operands starting at {@code offsets} with the given
     * per-dimension strides (one array per operand).
     */
    static Loop plan(int[] dims, long[] offsets, long[]... strides) {
        int ops = strides.length;
        int n = dims.length;
        int[] keptDims = new int[Math.max(n, 1)];
        long[][] keptStrides = new long[ops][Math.max(n, 1)];
        int k = 0;
        for (int d = 0; d < n; d++) {
            if (dims[d] == 1) {
                continue;
            }
            if (k > 0) {
                boolean mergeable = true;
                for (int o = 0; o < ops; o++) {
                    if (keptStrides[o][k - 1] != strides[o][d] * dims[d]) {
                        mergeable = false;
                        break;
                    }
                }
                if (mergeable) {
                    keptDims[k - 1] *= dims[d];
                    for (int o = 0; o < ops; o++) {
                        keptStrides[o][k - 1] = strides[o][d];
                    }
                    continue;
                }
            }
            keptDims[k] = dims[d];
            for (int o = 0; o < ops; o++) {
                keptStrides[o][k] = strides[o][d];
            }
            k++;
        }
        if (k == 0) {
            keptDims[0] = 1;
            k = 1;
        }
        int[] outDims = java.util.Arrays.copyOf(keptDims, k);
        int[][] outStrides = new int[ops][k];
        int[] outOffsets = new int[ops];
        for (int o = 0; o < ops; o++) {
            for (int d = 0; d < k; d++) {
                outStrides[o][d] = Math.toIntExact(keptStrides[o][d]);
            }
            outOffsets[o] = Math.toIntExact(offsets[o]);
        }
        return new Loop(outDims, outStrides, outOffsets);
    }

    /**
     * A new walk of the same plan, positioned at row {@code row} (as if {@link #next()} had been called
     * {@code row} times from the start); this one is not changed, so tasks can each take their rows.
     */
    Loop at(long row) {
        Loop l = new Loop(dims, strides, start.clone());
        long r = row;
        for (int d = rank - 2; d >= 0 && r > 0; d--) {
            int c = (int) (r % dims[d]);
            r /= dims[d];
            l.counter[d] = c;
            for (int o = 0; o < l.offsets.length; o++) {
                l.offsets[o] += c * strides[o][d];
            }
        }
        return l;
    }

    /** Number of rows (product of all but the innermost dimension). */
    long rows() {
        return rows;
    }

    /** Length of each row. */
    int innerSize() {
        return dims[rank - 1];
    }

    /** Stride of operand {@code op} along a row. */
    int innerStride(int op) {
        return strides[op][rank - 1];
    }

    /** Element offset of operand {@code op} at the start of the current row. */
    int offset(int op) {
        return offsets[op];
    }

    /** Moves to the next row. */
    void next() {
        for (int d = rank - 2; d >= 0; d--) {
            if (++counter[d] < dims[d]) {
                for (int o = 0; o < offsets.length; o++) {
                    offsets[o] += strides[o][d];
                }
                return;
            }
            counter[d] = 0;
            for (int o = 0; o < offsets.length; o++) {
                offsets[o] -= strides[o][d] * (dims[d] - 1);
            }
        }
    }
}
