/*
 * Fovea OpenCL kernels, part 2: the floating-point kernels, written once over REAL. The Java side
 * appends this text once per type with
 *     #define REAL float   / double
 *     #define K(name) name##_f32   / name##_f64
 * in front, and #undefs them after, so one program holds both instantiations.
 *
 * Op codes are assigned in OpenClBackend (unaryCode, binaryCode, ...) and listed beside each switch.
 */

/* Unary op codes: 0 IDENTITY, 1 NEG, 2 ABS, 3 SIGN, 4 EXP, 5 LOG, 6 SQRT, 7 RECIPROCAL,
 * 8 SQUARE, 9 RELU, 10 SIGMOID, 11 TANH, 12 SIN, 13 COS, 14 ERF. Transcendental functions are
 * evaluated in ACC (double when the device has fp64) and rounded once, as the CPU backend does. */
inline REAL K(unary_op)(int op, REAL v) {
    switch (op) {
        case 0:
            return v;
        case 1:
            return -v;
        case 2:
            return fabs(v);
        case 3:
            return v > 0 ? (REAL) 1 : (v < 0 ? (REAL) -1 : v);
        case 4:
            return (REAL) exp((ACC) v);
        case 5:
            return (REAL) log((ACC) v);
        case 6:
            return (REAL) sqrt((ACC) v);
        case 7:
            return (REAL) 1 / v;
        case 8:
            return v * v;
        case 9:
            return v > 0 ? v : (v != v ? v : (REAL) 0);
        case 10:
            return (REAL) fovea_sigmoid((ACC) v);
        case 11:
            return (REAL) tanh((ACC) v);
        case 12:
            return (REAL) sin((ACC) v);
        case 13:
            return (REAL) cos((ACC) v);
        default:
            return (REAL) fovea_erf((ACC) v);
    }
}

/* Binary op codes: 0 ADD, 1 SUB, 2 MUL, 3 DIV, 4 POW, 5 MAXIMUM, 6 MINIMUM, 7 EQ, 8 NE, 9 LT,
 * 10 LE, 11 GT, 12 GE, 13 RELU_BACKWARD. MAXIMUM/MINIMUM follow Java's Math.max/min (NaN wins,
 * -0 < +0). RELU_BACKWARD is a where b > 0, else +0 (also for a NaN/Inf a; a NaN b gives 0). */
inline REAL K(binary_op)(int op, REAL a, REAL b) {
    switch (op) {
        case 0:
            return a + b;
        case 1:
            return a - b;
        case 2:
            return a * b;
        case 3:
            return a / b;
        case 4:
            return (REAL) pow((ACC) a, (ACC) b);
        case 5:
            if (a != a) return a;
            if (a == 0 && b == 0 && signbit(a)) return b;
            return a >= b ? a : b;
        case 6:
            if (a != a) return a;
            if (a == 0 && b == 0 && signbit(b)) return b;
            return a <= b ? a : b;
        case 7:
            return a == b ? (REAL) 1 : (REAL) 0;
        case 8:
            return a != b ? (REAL) 1 : (REAL) 0;
        case 9:
            return a < b ? (REAL) 1 : (REAL) 0;
        case 10:
            return a <= b ? (REAL) 1 : (REAL) 0;
        case 11:
            return a > b ? (REAL) 1 : (REAL) 0;
        case 12:
            return a >= b ? (REAL) 1 : (REAL) 0;
        default:
            return b > 0 ? a : (REAL) 0;
    }
}

__kernel void K(unary)(int op, long n, int rank, long8 shape, __global const REAL* x, long xo, long8 xs,
                       __global REAL* y, long yo, long8 ys) {
    long i = get_global_id(0);
    if (i >= n) return;
    long sh[8];
    long sx[8];
    long sy[8];
    vstore8(shape, 0, sh);
    vstore8(xs, 0, sx);
    vstore8(ys, 0, sy);
    long px = xo;
    long py = yo;
    FOVEA_UNRAVEL2(i, rank, sh, sx, px, sy, py)
    y[py] = K(unary_op)(op, x[px]);
}

__kernel void K(binary)(int op, long n, int rank, long8 shape, __global const REAL* a, long ao, long8 as,
                        __global const REAL* b, long bo, long8 bs, __global REAL* y, long yo, long8 ys) {
    long i = get_global_id(0);
    if (i >= n) return;
    long sh[8];
    long sa[8];
    long sb[8];
    long sy[8];
    vstore8(shape, 0, sh);
    vstore8(as, 0, sa);
    vstore8(bs, 0, sb);
    vstore8(ys, 0, sy);
    long pa = ao;
    long pb = bo;
    long py = yo;
    FOVEA_UNRAVEL3(i, rank, sh, sa, pa, sb, pb, sy, py)
    y[py] = K(binary_op)(op, a[pa], b[pb]);
}

/*
 * Reduction: one work-item per output element. The kept dims (krank, kshape) place the output
 * element (x strides kxs, out strides kys); the reduced dims (rrank, rshape, x strides rxs) are
 * walked in row-major order. Sums accumulate in ACC. Op codes: 0 SUM, 1 MAX, 2 MIN (NaN wins).
 */
__kernel void K(reduce)(int op, long nout, int krank, long8 kshape, long8 kxs, long8 kys, int rrank,
                        long8 rshape, long8 rxs, long rcount, __global const REAL* x, long xo, __global REAL* y,
                        long yo) {
    long i = get_global_id(0);
    if (i >= nout) return;
    long sh[8];
    long sx[8];
    long sy[8];
    vstore8(kshape, 0, sh);
    vstore8(kxs, 0, sx);
    vstore8(kys, 0, sy);
    long px = xo;
    long py = yo;
    FOVEA_UNRAVEL2(i, krank, sh, sx, px, sy, py)
    long rsh[8];
    long rst[8];
    long idx[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    vstore8(rshape, 0, rsh);
    vstore8(rxs, 0, rst);
    ACC acc = op == 0 ? (ACC) 0 : (op == 1 ? (ACC) -INFINITY : (ACC) INFINITY);
    long off = 0;
    for (long j = 0; j < rcount; j++) {
        ACC v = (ACC) x[px + off];
        if (op == 0) {
            acc += v;
        } else if (op == 1) {
            if (v > acc || v != v) acc = v;
        } else {
            if (v < acc || v != v) acc = v;
        }
        for (int d = rrank - 1; d >= 0; d--) {
            idx[d]++;
            off += rst[d];
            if (idx[d] < rsh[d]) break;
            off -= rst[d] * rsh[d];
            idx[d] = 0;
        }
    }
    y[py] = (REAL) acc;
}

/*
 * Batched product C[b] = A[b] . B[b] (A [B, M, K], B [B, K, N], C [B, M, N], all strided), tiled:
 * each TS x TS work-group stages a TS x TS tile of A and of B in __local memory (2 * TS * TS
 * elements, checked against the device before launch). The sum runs over k ascending from 0 in
 * REAL, as the CPU backend's.
 */
__kernel void K(matmul)(int M, int N, int KD, int TS, __global const REAL* a, long ao, long sab, long sam,
                        long sak, __global const REAL* b, long bo, long sbb, long sbk, long sbn, __global REAL* c,
                        long co, long scb, long scm, long scn, __local REAL* ta, __local REAL* tb) {
    int col = get_global_id(0);
    int row = get_global_id(1);
    long batch = get_global_id(2);
    int lc = get_local_id(0);
    int lr = get_local_id(1);
    __global const REAL* A = a + ao + batch * sab;
    __global const REAL* B = b + bo + batch * sbb;
    REAL acc = 0;
    for (int t = 0; t < KD; t += TS) {
        int ka = t + lc;
        ta[lr * TS + lc] = (row < M && ka < KD) ? A[row * sam + ka * sak] : (REAL) 0;
        int kb = t + lr;
        tb[lr * TS + lc] = (kb < KD && col < N) ? B[kb * sbk + col * sbn] : (REAL) 0;
        barrier(CLK_LOCAL_MEM_FENCE);
        int kmax = min(TS, KD - t);
        for (int k = 0; k < kmax; k++) {
            acc += ta[lr * TS + k] * tb[k * TS + lc];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (row < M && col < N) {
        c[co + batch * scb + row * scm + col * scn] = acc;
    }
}

/* The same product with the tile fixed at compile time (16 x 16, static __local arrays of 2 KiB per
 * operand in float): the inner loop unrolls, which PoCL runs several times faster. Same summation order. */
__kernel void K(matmul16)(int M, int N, int KD, __global const REAL* a, long ao, long sab, long sam, long sak,
                          __global const REAL* b, long bo, long sbb, long sbk, long sbn, __global REAL* c, long co,
                          long scb, long scm, long scn) {
    __local REAL ta[16][16];
    __local REAL tb[16][16];
    int col = get_global_id(0);
    int row = get_global_id(1);
    long batch = get_global_id(2);
    int lc = get_local_id(0);
    int lr = get_local_id(1);
    __global const REAL* A = a + ao + batch * sab;
    __global const REAL* B = b + bo + batch * sbb;
    REAL acc = 0;
    for (int t = 0; t < KD; t += 16) {
        int ka = t + lc;
        ta[lr][lc] = (row < M && ka < KD) ? A[row * sam + ka * sak] : (REAL) 0;
        int kb = t + lr;
        tb[lr][lc] = (kb < KD && col < N) ? B[kb * sbk + col * sbn] : (REAL) 0;
        barrier(CLK_LOCAL_MEM_FENCE);
        if (t + 16 <= KD) {
            for (int k = 0; k < 16; k++) {
                acc += ta[lr][k] * tb[k][lc];
            }
        } else {
            for (int k = 0; k < KD - t; k++) {
                acc += ta[lr][k] * tb[k][lc];
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (row < M && col < N) {
        c[co + batch * scb + row * scm + col * scn] = acc;
    }
}

/*
 * Convolution geometry g (int16): N, C, H, W, COUT, KH, KW, OH, OW, strideH, strideW, padTop,
 * padLeft, dilationH, dilationW, groups. Dense NCHW operands at element offsets.
 */

/* Forward: one work-item per output element; bias first, then taps in (ci, ky, kx) order. */
__kernel void K(conv2d)(int16 g, int hasBias, __global const REAL* x, long xo, __global const REAL* w, long wo,
                        __global const REAL* bias, long bo, __global REAL* y, long yo) {
    long total = (long) g.s0 * g.s4 * g.s7 * g.s8;
    long i = get_global_id(0);
    if (i >= total) return;
    int C = g.s1, H = g.s2, W = g.s3, CO = g.s4, KH = g.s5, KW = g.s6, OH = g.s7, OW = g.s8;
    int SH = g.s9, SW = g.sa, PT = g.sb, PL = g.sc, DH = g.sd, DW = g.se, G = g.sf;
    int ox = (int) (i % OW);
    long t = i / OW;
    int oy = (int) (t % OH);
    t /= OH;
    int co = (int) (t % CO);
    long n = t / CO;
    int cinpg = C / G;
    int coutpg = CO / G;
    int grp = co / coutpg;
    REAL acc = hasBias ? bias[bo + co] : (REAL) 0;
    /* The taps that land inside the image, found once: the loops below need no bounds checks. */
    int by = oy * SH - PT;
    int bx = ox * SW - PL;
    int ky0 = by >= 0 ? 0 : (-by + DH - 1) / DH;
    int ky1 = H - 1 - by < 0 ? 0 : min(KH, (H - 1 - by) / DH + 1);
    int kx0 = bx >= 0 ? 0 : (-bx + DW - 1) / DW;
    int kx1 = W - 1 - bx < 0 ? 0 : min(KW, (W - 1 - bx) / DW + 1);
    for (int ci = 0; ci < cinpg; ci++) {
        long xplane = xo + (n * C + grp * cinpg + ci) * H * W;
        long wbase = wo + ((long) co * cinpg + ci) * KH * KW;
        for (int ky = ky0; ky < ky1; ky++) {
            long xrow = xplane + (long) (by + ky * DH) * W + bx;
            long wrow = wbase + ky * KW;
            for (int kx = kx0; kx < kx1; kx++) {
                acc += w[wrow + kx] * x[xrow + kx * DW];
            }
        }
    }
    y[yo + i] = acc;
}

/* d/dx: one work-item per input element, gathering every (ky, kx) tap that reads it; no atomics. */
__kernel void K(conv2d_backward_data)(int16 g, __global const REAL* gy, long go, __global const REAL* w, long wo,
                                      __global REAL* gx, long xo) {
    long total = (long) g.s0 * g.s1 * g.s2 * g.s3;
    long i = get_global_id(0);
    if (i >= total) return;
    int C = g.s1, H = g.s2, W = g.s3, CO = g.s4, KH = g.s5, KW = g.s6, OH = g.s7, OW = g.s8;
    int SH = g.s9, SW = g.sa, PT = g.sb, PL = g.sc, DH = g.sd, DW = g.se, G = g.sf;
    int ix = (int) (i % W);
    long t = i / W;
    int iy = (int) (t % H);
    t /= H;
    int c = (int) (t % C);
    long n = t / C;
    int cinpg = C / G;
    int coutpg = CO / G;
    int grp = c / cinpg;
    int cl = c - grp * cinpg;
    REAL acc = 0;
    for (int ky = 0; ky < KH; ky++) {
        int ty = iy + PT - ky * DH;
        if (ty < 0 || ty % SH != 0) continue;
        int oy = ty / SH;
        if (oy >= OH) continue;
        for (int kx = 0; kx < KW; kx++) {
            int tx = ix + PL - kx * DW;
            if (tx < 0 || tx % SW != 0) continue;
            int ox = tx / SW;
            if (ox >= OW) continue;
            REAL s = 0;
            for (int j = 0; j < coutpg; j++) {
                int co = grp * coutpg + j;
                s += w[wo + (((long) co * cinpg + cl) * KH + ky) * KW + kx]
                        * gy[go + ((n * CO + co) * OH + oy) * OW + ox];
            }
            acc += s;
        }
    }
    gx[xo + i] = acc;
}

/* d/dw: one work-item per weight element, summing over images and output positions in order. */
__kernel void K(conv2d_backward_weights)(int16 g, __global const REAL* x, long xo, __global const REAL* gy,
                                         long go, __global REAL* gw, long wo) {
    int C = g.s1, H = g.s2, W = g.s3, CO = g.s4, KH = g.s5, KW = g.s6, OH = g.s7, OW = g.s8;
    int SH = g.s9, SW = g.sa, PT = g.sb, PL = g.sc, DH = g.sd, DW = g.se, G = g.sf;
    int cinpg = C / G;
    long total = (long) CO * cinpg * KH * KW;
    long i = get_global_id(0);
    if (i >= total) return;
    int kx = (int) (i % KW);
    long t = i / KW;
    int ky = (int) (t % KH);
    t /= KH;
    int cl = (int) (t % cinpg);
    int co = (int) (t / cinpg);
    int coutpg = CO / G;
    int c = (co / coutpg) * cinpg + cl;
    REAL acc = 0;
    for (long n = 0; n < g.s0; n++) {
        __global const REAL* xp = x + xo + (n * C + c) * H * W;
        __global const REAL* gp = gy + go + (n * CO + co) * OH * OW;
        for (int oy = 0; oy < OH; oy++) {
            int iy = oy * SH - PT + ky * DH;
            if (iy < 0 || iy >= H) continue;
            for (int ox = 0; ox < OW; ox++) {
                int ix = ox * SW - PL + kx * DW;
                if (ix < 0 || ix >= W) continue;
                acc += gp[oy * OW + ox] * xp[(long) iy * W + ix];
            }
        }
    }
    gw[wo + i] = acc;
}

/*
 * Pooling geometry p (int16): planes, H, W, OH, OW, kernelH, kernelW, strideH, strideW, padH,
 * padW, countIncludePad, max, 0, 0, 0.
 */

/* Plane index of the first maximum of window (oy, ox); NaN counts as the maximum. */
inline int K(window_argmax)(int16 p, __global const REAL* xp, int oy, int ox) {
    int H = p.s1, W = p.s2, KH = p.s5, KW = p.s6, SH = p.s7, SW = p.s8, PH = p.s9, PW = p.sa;
    int y0 = max(oy * SH - PH, 0);
    int y1 = min(oy * SH - PH + KH, H);
    int x0 = max(ox * SW - PW, 0);
    int x1 = min(ox * SW - PW + KW, W);
    int best = y0 * W + x0;
    REAL bv = xp[best];
    for (int iy = y0; iy < y1; iy++) {
        for (int ix = x0; ix < x1; ix++) {
            REAL v = xp[iy * W + ix];
            if (bv == bv && (v > bv || v != v)) {
                bv = v;
                best = iy * W + ix;
            }
        }
    }
    return best;
}

__kernel void K(pool2d)(int16 p, __global const REAL* x, long xo, __global REAL* y, long yo) {
    int H = p.s1, W = p.s2, OH = p.s3, OW = p.s4, KH = p.s5, KW = p.s6, SH = p.s7, SW = p.s8, PH = p.s9,
        PW = p.sa;
    long total = (long) p.s0 * OH * OW;
    long i = get_global_id(0);
    if (i >= total) return;
    int ox = (int) (i % OW);
    long t = i / OW;
    int oy = (int) (t % OH);
    long plane = t / OH;
    __global const REAL* xp = x + xo + plane * H * W;
    if (p.sc) {
        y[yo + i] = xp[K(window_argmax)(p, xp, oy, ox)];
        return;
    }
    int y0 = max(oy * SH - PH, 0);
    int y1 = min(oy * SH - PH + KH, H);
    int x0 = max(ox * SW - PW, 0);
    int x1 = min(ox * SW - PW + KW, W);
    REAL sum = 0;
    for (int iy = y0; iy < y1; iy++) {
        for (int ix = x0; ix < x1; ix++) {
            sum += xp[iy * W + ix];
        }
    }
    REAL count = p.sb ? (REAL) (KH * KW) : (REAL) ((y1 - y0) * (x1 - x0));
    y[yo + i] = sum / count;
}

/*
 * Pooling gradient: one work-item per input element, gathering from every window that covers it
 * (windows in row-major order), so overlapping windows accumulate deterministically without atomics.
 */
__kernel void K(pool2d_backward)(int16 p, __global const REAL* x, long xo, __global const REAL* gy, long go,
                                 __global REAL* gx, long gxo) {
    int H = p.s1, W = p.s2, OH = p.s3, OW = p.s4, KH = p.s5, KW = p.s6, SH = p.s7, SW = p.s8, PH = p.s9,
        PW = p.sa;
    long total = (long) p.s0 * H * W;
    long i = get_global_id(0);
    if (i >= total) return;
    int ix = (int) (i % W);
    long t = i / W;
    int iy = (int) (t % H);
    long plane = t / H;
    __global const REAL* xp = x + xo + plane * H * W;
    __global const REAL* gp = gy + go + plane * OH * OW;
    int ay = iy + PH - KH + 1;
    int oy0 = ay <= 0 ? 0 : (ay + SH - 1) / SH;
    int oy1 = min((iy + PH) / SH, OH - 1);
    int ax = ix + PW - KW + 1;
    int ox0 = ax <= 0 ? 0 : (ax + SW - 1) / SW;
    int ox1 = min((ix + PW) / SW, OW - 1);
    int here = iy * W + ix;
    REAL acc = 0;
    for (int oy = oy0; oy <= oy1; oy++) {
        for (int ox = ox0; ox <= ox1; ox++) {
            REAL gv = gp[oy * OW + ox];
            if (p.sc) {
                if (K(window_argmax)(p, xp, oy, ox) == here) {
                    acc += gv;
                }
            } else {
                int y0 = max(oy * SH - PH, 0);
                int y1 = min(oy * SH - PH + KH, H);
                int x0 = max(ox * SW - PW, 0);
                int x1 = min(ox * SW - PW + KW, W);
                REAL count = p.sb ? (REAL) (KH * KW) : (REAL) ((y1 - y0) * (x1 - x0));
                acc += gv / count;
            }
        }
    }
    gx[gxo + i] = acc;
}
