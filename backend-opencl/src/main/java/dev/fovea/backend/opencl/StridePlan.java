package dev.fovea.backend.opencl;

import java.util.Arrays;

/**
 * The loop a strided elementwise kernel runs: the dims of a view with size-1 dims dropped and
 * neighbours merged wherever every operand steps through them as one (a contiguous tensor becomes
 * rank 1), each operand's strides, and the element count. Kernels take at most {@link #MAX_RANK}
 * dims, padded with size 1 and stride 0, as OpenCL {@code long8} arguments.
 */
final class StridePlan {
    /** The most dims a kernel walks after merging. */
    static final int MAX_RANK = 8;

    final int rank;
    final long[] shape;
    final long[][] strides;
    final long count;

    private StridePlan(int rank, long[] shape, long[][] strides, long count) {
        this.rank = rank;
        this.shape = shape;
        this.strides = strides;
        this.count = count;
    }

    /**
     * Plans a walk over {@code dims} for operands with the given strides (one array per operand).
     *
     * @throws IllegalArgumentException naming {@code kernel} when more than {@link #MAX_RANK} dims remain
     */
    static StridePlan of(String kernel, int[] dims, long[]... operandStrides) {
        int k = operandStrides.length;
        long count = 1;
        for (int d : dims) {
            count *= d;
        }
        long[] shape = new long[dims.length];
        long[][] strides = new long[k][dims.length];
        int m = 0;
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] == 1) {
                continue;
            }
            boolean merge = m > 0;
            for (int j = 0; j < k && merge; j++) {
                merge = strides[j][m - 1] == operandStrides[j][d] * dims[d];
            }
            if (merge) {
                shape[m - 1] *= dims[d];
                for (int j = 0; j < k; j++) {
                    strides[j][m - 1] = operandStrides[j][d];
                }
            } else {
                shape[m] = dims[d];
                for (int j = 0; j < k; j++) {
                    strides[j][m] = operandStrides[j][d];
                }
                m++;
            }
        }
        if (m > MAX_RANK) {
            throw new IllegalArgumentException(kernel + ": the OpenCL kernels walk at most " + MAX_RANK
                    + " dims, but shape " + Arrays.toString(dims) + " with these strides needs " + m
                    + " even after merging; make the operand contiguous (or reshape it) first");
        }
        long[] paddedShape = Arrays.copyOf(shape, MAX_RANK);
        long[][] paddedStrides = new long[k][];
        for (int j = 0; j < k; j++) {
            paddedStrides[j] = Arrays.copyOf(strides[j], MAX_RANK);
        }
        return new StridePlan(m, paddedShape, paddedStrides, count);
    }
}
