package dev.fovea.backend.cpu;

/**
 * The innermost two loops of the GEMM on float arrays. A micro-kernel multiplies one packed
 * {@code MR x kc} panel of A by one {@code kc x NR} panel of B into an {@code MR x NR} tile of C,
 * keeping the tile in registers; the macro-kernel walks the tiles of one cache block.
 *
 * <p>Packed layouts (see {@link FloatGemm}): panel {@code p} of A holds, for each {@code k}, the
 * {@code MR} values of rows {@code p*MR ..} (zero past the last row); panel {@code q} of B holds,
 * for each {@code k}, the {@code NR} values of columns {@code q*NR ..} (zero past the last column).
 * Every element of C is a sum over {@code k} in ascending order, whatever tile or task it falls in,
 * so results do not depend on how the work is split.
 *
 * <p>{@link FloatVectorKernel} (Vector API) and {@link FloatScalarKernel} implement it.
 * Edit only the 64-bit file of each pair (its name starts with D): the 32-bit twin is generated
 * from it by {@code backend-cpu/generate-float-kernels.sh}, and {@code GeneratedSourcesTest} fails when
 * they drift apart.
 */
abstract class FloatMicroKernel {
    /** Rows of the register tile. */
    final int mr;
    /** Columns of the register tile. */
    final int nr;

    FloatMicroKernel(int mr, int nr) {
        this.mr = mr;
        this.nr = nr;
    }

    /**
     * {@code C[0:MR, 0:NR] = (accumulate ? C : 0) + A·B} for an A panel at {@code a[ao..]} and B
     * values {@code (k, j)} at {@code b[bo + k * ldb + j]}; row {@code i} of C starts at
     * {@code c[co + i * ldc]}.
     */
    abstract void tile(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean accumulate);

    /**
     * Rows an edge tile of {@code rows < MR} rows is computed with (at least {@code rows}; the
     * panel's layout stays {@code MR} wide). The default computes the whole tile.
     */
    int partialRows(int rows) {
        return mr;
    }

    /** Columns an edge tile of {@code cols < NR} columns is computed with (at least {@code cols}). */
    int partialCols(int cols) {
        return nr;
    }

    /**
     * Like {@link #tile} for the first {@code rows x cols} of the tile, where {@code rows} and
     * {@code cols} come from {@link #partialRows} and {@link #partialCols}; only that part of C is
     * written. The default computes the whole tile.
     */
    void tilePart(int rows, int cols, int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co,
            int ldc, boolean accumulate) {
        tile(kc, a, ao, b, bo, ldb, c, co, ldc, accumulate);
    }

    /**
     * {@code C[0:rows, 0:NR] = (accumulate ? C : 0) + A·B} where B is read through a row-offset table:
     * {@code B(k, j) = b[off[oo + k] + bj + j]} (rows of B are anywhere in {@code b}). {@code rows} is
     * {@link #partialRows} of the rows wanted (or MR); all NR columns are computed.
     */
    abstract void tileRows(int rows, int kc, float[] a, int ao, float[] b, int[] off, int oo, int bj, float[] c,
            int co, int ldc, boolean accumulate);

    /**
     * Lanes {@code h} of the two halves of a tile's columns for {@link #tileRowsSplit} ({@code NR = 2h}),
     * or 0 when this kernel has no such form (then it is not used).
     */
    int halfWidth() {
        return 0;
    }

    /**
     * {@link #tileRows} whose two column halves are read from places {@code d} apart:
     * {@code B(k, j) = b[off[oo + k] + bj + j]} for {@code j < h}, {@code b[off[oo + k] + bj + d + j - h]}
     * for the rest ({@code h = }{@link #halfWidth()}). A convolution puts two output rows in a tile this
     * way (see {@link FloatConv#forwardImplicit}).
     */
    void tileRowsSplit(int rows, int kc, float[] a, int ao, float[] b, int[] off, int oo, int bj, int d, float[] c,
            int co, int ldc, boolean accumulate) {
        throw new UnsupportedOperationException("tileRowsSplit: " + describe() + " has no split tiles");
    }

    /**
     * {@code C[0:mc', 0:tiles * NR] (+)= A·B} with tiles of {@link #tileRowsSplit}: tile {@code t} reads
     * B from {@code bj + t * bStep}, its halves {@code d} apart, and fills columns {@code [t NR, (t + 1) NR)}.
     */
    final void macroRowsSplit(int mc, int tiles, int kc, float[] a, int ao, float[] b, int[] off, int oo, int bj,
            int bStep, int d, float[] c, int co, int ldc, boolean accumulate) {
        for (int t = 0; t < tiles; t++) {
            for (int i = 0; i < mc; i += mr) {
                int rows = Math.min(mr, mc - i) == mr ? mr : partialRows(mc - i);
                tileRowsSplit(rows, kc, a, ao + (i / mr) * kc * mr, b, off, oo, bj + t * bStep, d, c,
                        co + i * ldc + t * nr, ldc, accumulate);
            }
        }
    }

    /**
     * {@code C[0:mc', 0:nc] (+)= A·B} with A packed as in {@link #macro} and B read through the row-offset
     * table {@code off[oo..]} ({@code B(k, j) = b[off[oo + k] + bj + j]}); {@code nc} is a multiple of NR
     * and C has room for {@code mc} rounded up to {@link #partialRows} (rows past {@code mc} get garbage).
     */
    final void macroRows(int mc, int nc, int kc, float[] a, int ao, float[] b, int[] off, int oo, int bj,
            float[] c, int co, int ldc, boolean accumulate) {
        for (int j = 0; j < nc; j += nr) {
            for (int i = 0; i < mc; i += mr) {
                int rows = Math.min(mr, mc - i) == mr ? mr : partialRows(mc - i);
                tileRows(rows, kc, a, ao + (i / mr) * kc * mr, b, off, oo, bj + j, c, co + i * ldc + j, ldc,
                        accumulate);
            }
        }
    }

    /** Rows of C that {@link #tileGather} computes (it holds one index per row in a register). */
    int gatherRows() {
        return mr;
    }

    /**
     * {@code C[0:gatherRows, 0:NR] = (accumulate ? C : 0) + A·B} where A is gathered: {@code A(i, k) =
     * x[offA[oa + i] + pos[pk + k]]}, and B is one packed panel ({@code B(k, j) = b[bo + k * NR + j]}).
     */
    abstract void tileGather(int kc, float[] x, int[] offA, int oa, int[] pos, int pk, float[] b, int bo, float[] c,
            int co, int ldc, boolean accumulate);

    /** A short description for reports, e.g. "Vector API, 512-bit, 12x32 tile". */
    abstract String describe();

    /**
     * {@code C[0:mc, 0:nc] (+)= A·B} over one cache block: {@code A} packed as {@code ceil(mc/MR)}
     * panels of {@code kc x MR} at {@code a[ao..]}, {@code B} as {@code ceil(nc/NR)} panels of
     * {@code kc x NR} at {@code b[bo..]}; C row-major with leading dimension {@code ldc}.
     */
    final void macro(int mc, int nc, int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
            boolean accumulate) {
        float[] edge = null;
        for (int j = 0; j < nc; j += nr) {
            int nw = Math.min(nr, nc - j);
            int bp = bo + (j / nr) * kc * nr;
            for (int i = 0; i < mc; i += mr) {
                int mw = Math.min(mr, mc - i);
                int ap = ao + (i / mr) * kc * mr;
                int ct = co + i * ldc + j;
                if (mw == mr && nw == nr) {
                    tile(kc, a, ap, b, bp, nr, c, ct, ldc, accumulate);
                } else {
                    int rows = partialRows(mw);
                    int cols = partialCols(nw);
                    if (rows == mw && cols == nw) {
                        tilePart(rows, cols, kc, a, ap, b, bp, nr, c, ct, ldc, accumulate);
                        continue;
                    }
                    if (edge == null) {
                        edge = Workspace.floats(Workspace.EDGE, mr * nr);
                    }
                    tilePart(rows, cols, kc, a, ap, b, bp, nr, edge, 0, nr, false);
                    for (int r = 0; r < mw; r++) {
                        int cr = ct + r * ldc;
                        int er = r * nr;
                        if (accumulate) {
                            for (int s = 0; s < nw; s++) {
                                c[cr + s] = edge[er + s] + c[cr + s];
                            }
                        } else {
                            System.arraycopy(edge, er, c, cr, nw);
                        }
                    }
                }
            }
        }
    }
}
