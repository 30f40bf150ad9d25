package dev.fovea.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SimdPool} with the Vector API. A step loads {@code L} elements of both rows of a band of
 * windows ({@code K = L / 2} windows) and writes {@code K} outputs, or {@code 2 x L} gradients; a row
 * ends with one step that overlaps the previous one (it recomputes the same values), and a row of
 * fewer than {@code K} windows is one step with junk lanes; only rows narrower than
 * {@link #MIN_WINDOWS}, the ends of a task's planes, and NaN windows of the gradient go to the scalar
 * loops of {@link FloatKernels}. Loaded only when {@code jdk.incubator.vector} is present (see {@link Simd}).
 */
final class PoolVectorKernel extends SimdPool {
    // The preferred species, as every other kernel: a second float shape (256-bit steps here) made
    // the JDK's shared Vector API methods see two vector classes, and C2 then left stores of the GEMM
    // kernels as calls on boxed vectors (LeNet steps 10-20 % slower). The K output gradients of a
    // step are the low half of a full-width load (SPREAD reads no other lane); a masked load would be
    // a blend, which JDK 17 sometimes leaves as a call.
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int K = L / 2;
    /** {@code S} as 64-bit lanes: one per window row. */
    private static final VectorSpecies<Long> W = S.withLanes(long.class);
    /** Lane {@code k < K} takes lane {@code 2k}: compacts the left columns of the windows. */
    private static final VectorShuffle<Float> LEFT = VectorShuffle.fromOp(S, i -> (2 * i) % L);
    /** Lanes {@code 2k, 2k + 1} take lane {@code k}: an output gradient to both columns of its window. */
    private static final VectorShuffle<Float> SPREAD = VectorShuffle.fromOp(S, i -> i / 2);
    private static final FloatVector ZERO = FloatVector.zero(S);
    /** All bits set: a set lane when masks become bits (built from ints: as a float it is a NaN). */
    private static final FloatVector ONES = S.withLanes(int.class).broadcast(-1).reinterpretAsFloats();

    /** Whether the vector shapes this kernel needs exist ({@code K >= 2}); else use the scalar loops. */
    /**
     * Rows of fewer windows take the scalar loops. From here to {@code K}, one step covers the row and
     * its surplus lanes compute junk windows past it, stored where a later store rewrites them.
     */
    static final int MIN_WINDOWS = Math.max(2, K / 2);

    static boolean supported() {
        return K >= 2;
    }

    @Override
    void max2x2(float[] x, int xo, float[] out, int oo, int h, int w, int oh, int ow, int plane0, int plane1) {
        for (int pl = plane0; pl < plane1; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                int r = xo + pl * h * w + 2 * oy * w;
                int o = oo + (pl * oh + oy) * ow;
                if (ow < MIN_WINDOWS) {
                    FloatKernels.max2x2Row(x, r, w, out, o, 0, ow);
                } else {
                    forwardRow(x, r, w, out, o, ow, oo + plane1 * oh * ow);
                }
            }
        }
    }

    // A row per method, the steps written out in its loop: a method per step may be compiled on
    // its own and then called per step, and a method per plane can grow past C2's inlining budget
    // (the vector operations then stay calls on boxed vectors, ten times slower).

    /**
     * The windows of the row pair at {@code r}, outputs at {@code o}. A step stores all {@code L} lanes,
     * {@code K} outputs and {@code K} duplicates past them, which the next step (or the following rows)
     * overwrite, rows being written in order; a row of fewer than {@code K} windows is one step whose
     * surplus lanes are junk windows, stored past the row in the same way. Steps that would store past
     * {@code storeEnd} (the end of the task's planes) or read past {@code x} take the scalar loop. (JDK
     * 17 does not compile a masked store to a vector instruction, and a half-size species would slow
     * the other kernels, see {@link #S}.)
     */
    private static void forwardRow(float[] x, int r, int w, float[] out, int o, int ow, int storeEnd) {
        for (int ox = 0, last = Math.max(ow - K, 0);; ox = Math.min(ox + K, last)) {
            if (o + ox + L > storeEnd || r + 2 * ox + w + L > x.length) {
                FloatKernels.max2x2Row(x, r, w, out, o, ox, ow);
                return;
            }
            int i = r + 2 * ox;
            // MAX is Math.max lane-wise (NaN wins, +0 over -0); the order of the maxima does not
            // change the value
            FloatVector rows = FloatVector.fromArray(S, x, i)
                    .lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, i + w));
            FloatVector m = rows.lanewise(VectorOperators.MAX, swapColumns(rows)).rearrange(LEFT);
            m.intoArray(out, o + ox);
            if (ox == last) {
                return;
            }
        }
    }

    @Override
    void max2x2Backward(float[] x, int xo, float[] gout, int go, float[] gx, int gxo, int h, int w, int oh, int ow,
            int plane0, int plane1) {
        for (int pl = plane0; pl < plane1; pl++) {
            int plane = pl * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int r = plane + 2 * oy * w;
                int o = go + (pl * oh + oy) * ow;
                if (ow < MIN_WINDOWS) {
                    FloatKernels.max2x2BackwardRow(x, xo + r, w, gout, o, gx, gxo + r, 0, ow);
                } else {
                    backwardRow(x, xo + r, w, gout, o, gx, gxo + r, ow, gxo + plane1 * h * w);
                }
            }
            FloatKernels.max2x2ZeroEdges(gx, gxo + plane, h, w);
        }
    }

    /**
     * The windows of the row pair at {@code r} (x) and {@code gr} (gx). A row of fewer than {@code K}
     * windows (LeNet's second pool: 7) is one step whose last lanes read past the row and store junk
     * gradients past it: into the bottom row, rewritten by this step's second store, and past the
     * bottom row, rewritten by the following row pairs or by {@code max2x2ZeroEdges}; steps that would
     * store past {@code storeEnd} (the end of the task's planes) or read past the arrays take the
     * scalar loop instead.
     */
    private static void backwardRow(float[] x, int r, int w, float[] gout, int o, float[] gx, int gr, int ow,
            int storeEnd) {
        for (int ox = 0, last = Math.max(ow - K, 0);; ox = Math.min(ox + K, last)) {
            // the full-width loads (K output gradients, both rows) and stores must stay in bounds
            if (o + ox + L > gout.length || r + 2 * ox + w + L > x.length || gr + 2 * ox + w + L > storeEnd) {
                FloatKernels.max2x2BackwardRow(x, r, w, gout, o, gx, gr, ox, ow);
                return;
            }
            int i = r + 2 * ox;
            FloatVector top = FloatVector.fromArray(S, x, i);
            FloatVector bottom = FloatVector.fromArray(S, x, i + w);
            if (top.add(bottom).test(VectorOperators.IS_NAN).anyTrue()) {
                // a NaN (or +Inf and -Inf): the first NaN takes the gradient; rare, so left to the
                // scalar rule
                FloatKernels.max2x2BackwardRow(x, r, w, gout, o, gx, gr, ox, Math.min(ox + K, ow));
            } else {
                // without NaN only == against the maximum matters, which a compare-and-blend
                // maximum gives more cheaply than MAX (Math.max)
                FloatVector rows = top.blend(bottom, top.lt(bottom));
                FloatVector other = swapColumns(rows);
                FloatVector m = rows.blend(other, rows.lt(other)); // in both columns
                // the first element equal to the maximum (== : -0 matches +0) in the order top-left,
                // top-right, bottom-left, bottom-right takes the gradient. As 64-bit lanes (one per
                // window row, left column in the low half) of all-ones hits: a right column wins
                // when the left one does not, the bottom row when neither top element does
                LongVector t = (LongVector) ZERO.blend(ONES, top.eq(m)).reinterpretShape(W, 0);
                LongVector b = (LongVector) ZERO.blend(ONES, bottom.eq(m)).reinterpretShape(W, 0);
                LongVector topWins = t.lanewise(VectorOperators.AND_NOT, t.lanewise(VectorOperators.LSHL, 32));
                LongVector noTop = t.or(t.lanewise(VectorOperators.ROL, 32)).not();
                LongVector bottomWins = b.and(noTop)
                        .lanewise(VectorOperators.AND_NOT, b.lanewise(VectorOperators.LSHL, 32));
                LongVector g = (LongVector) FloatVector.fromArray(S, gout, o + ox).rearrange(SPREAD)
                        .reinterpretShape(W, 0);
                ((FloatVector) g.and(topWins).reinterpretShape(S, 0)).intoArray(gx, gr + 2 * ox);
                ((FloatVector) g.and(bottomWins).reinterpretShape(S, 0)).intoArray(gx, gr + 2 * ox + w);
            }
            if (ox == last) {
                return;
            }
        }
    }

    /**
     * Swaps the two columns of every window: a rotation of 64-bit lanes, cheaper than a shuffle.
     * Reinterpreting to the constant species (not {@code reinterpretAsLongs()}) keeps the vector's
     * class known to C2, which needs it to compile the loads and stores as vector instructions.
     */
    private static FloatVector swapColumns(FloatVector v) {
        return (FloatVector) v.reinterpretShape(W, 0).lanewise(VectorOperators.ROL, 32).reinterpretShape(S, 0);
    }
}
