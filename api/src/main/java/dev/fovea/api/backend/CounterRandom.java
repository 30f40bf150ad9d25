package dev.fovea.api.backend;

import dev.fovea.api.DType;

/**
 * The reference counter-based random number generator that every backend's
 * {@link Backend#fillRandom} reproduces bit for bit, so that the same seed gives the same initial
 * weights on every device.
 *
 * <h2>Algorithm</h2>
 * Element {@code i} of a fill at {@code (seed, counter)} is the value for {@code index = counter + i}
 * (unsigned 64-bit, wrapping). Everything below uses only IEEE 754 double {@code + - * /} and
 * {@code sqrt}, each correctly rounded, evaluated exactly in the order written (no fused
 * multiply-add, no reassociation), plus integer operations. A port to OpenCL C must therefore use
 * {@code #pragma OPENCL FP_CONTRACT OFF}, double precision, and the helpers below rather than the
 * library's {@code log}/{@code cos}, whose accuracy OpenCL does not pin down. Java never contracts
 * or reassociates floating-point expressions.
 *
 * <ol>
 *   <li><b>Bits.</b> Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as
 *       1, 2, 3", SC 2011; the Random123 reference) with key {@code k0 = (int) seed},
 *       {@code k1 = (int) (seed >>> 32)} and counter block {@code ctr0 = (int) index},
 *       {@code ctr1 = (int) (index >>> 32)}, {@code ctr2 = ctr3 = 0}. One round maps
 *       {@code (c0, c1, c2, c3)} to {@code (hi(M1*c2) ^ c1 ^ k0, lo(M1*c2), hi(M0*c0) ^ c3 ^ k1, lo(M0*c0))}
 *       with the 64-bit unsigned products split into high and low words, {@code M0 = 0xD2511F53},
 *       {@code M1 = 0xCD9E8D57}; between rounds the key is bumped by {@code W0 = 0x9E3779B9},
 *       {@code W1 = 0xBB67AE85} (mod 2^32). Ten rounds give the words {@code w0..w3}.</li>
 *   <li><b>Uniform float32 in [0, 1):</b> {@code (w0 >>> 8) * 2^-24}.</li>
 *   <li><b>Uniform float64 in [0, 1):</b> {@code ((w0 >>> 5) * 2^26 + (w1 >>> 6)) * 2^-53}, an exact
 *       53-bit value. {@link #uniformDoubleOfWords(int, int)} computes it from any pair of words.</li>
 *   <li><b>Uniform on [a, b)</b> in the output precision: FLOAT32 computes
 *       {@code fa + (fb - fa) * u} in float arithmetic with {@code fa = (float) a},
 *       {@code fb = (float) b} and the float32 {@code u}; FLOAT64 computes {@code a + (b - a) * u}
 *       in double. Rounding may, rarely, give exactly {@code b} when {@code b - a} is not a power of two.</li>
 *   <li><b>Normal(mean, std):</b> Box–Muller in double precision with {@code u1} the 53-bit uniform
 *       of {@code (w0, w1)} and {@code u2} that of {@code (w2, w3)}:
 *       {@code z = sqrt(-2.0 * log(1.0 - u1)) * cos2pi(u2)}, result {@code mean + std * z}
 *       (double), rounded once to float for FLOAT32. {@code 1 - u1} is exact and in {@code (0, 1]}.</li>
 *   <li><b>{@link #log(double)}</b> is fdlibm's {@code __ieee754_log} (Sun Microsystems, 1993)
 *       without its special cases: for a positive normal {@code x} split off the binary exponent,
 *       {@code x = 2^k * m} with {@code m} in {@code [sqrt(2)/2, sqrt(2))} (the raw mantissa bits are
 *       compared with {@code 0x6A09E667F3BCD}, those of {@code sqrt(2)}; when larger, {@code m} is
 *       halved and {@code k} incremented); then {@code f = m - 1}, {@code s = f / (2 + f)},
 *       {@code z = s * s}, {@code w = z * z}, {@code t1 = w * (LG2 + w * (LG4 + w * LG6))},
 *       {@code t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)))}, {@code r = t2 + t1},
 *       {@code hfsq = 0.5 * f * f} (i.e. {@code (0.5 * f) * f}), and
 *       {@code log = k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f)} with {@code k}
 *       converted to double. The constants are given below as raw IEEE bit patterns. Subnormal
 *       inputs are first scaled by 2^54; zero gives -infinity, negatives and NaN give NaN,
 *       +infinity gives +infinity.</li>
 *   <li><b>{@link #cos2pi(double)}</b> for {@code u} in {@code [0, 1)}: {@code v = 4 * u} (exact),
 *       {@code q = (int) (v + 0.5)}, {@code r = v - q} (exact, in {@code [-0.5, 0.5]}),
 *       {@code z = r * r}; {@code c = C0 + z * (C1 + z * (... + z * C9))} approximates
 *       {@code cos(pi/2 * r)} and {@code s = r * (S0 + z * (S1 + z * (... + z * S9)))} approximates
 *       {@code sin(pi/2 * r)} (Taylor coefficients {@code (-1)^k (pi/2)^(2k)/(2k)!} and
 *       {@code (-1)^k (pi/2)^(2k+1)/(2k+1)!}, rounded to double; truncation error below 1e-17);
 *       the result is {@code c, -s, -c, s} for {@code q mod 4 = 0, 1, 2, 3}. Outside {@code [0, 1)}
 *       the argument is first reduced by subtracting its floor.</li>
 * </ol>
 * Both helpers are within about one ulp of the true function; they exist for portability, not speed.
 */
public final class CounterRandom {

    /** Philox multiplier for words 0 and 1. */
    public static final int M0 = 0xD2511F53;
    /** Philox multiplier for words 2 and 3. */
    public static final int M1 = 0xCD9E8D57;
    /** Philox key increment (golden ratio). */
    public static final int W0 = 0x9E3779B9;
    /** Philox key increment (sqrt(3) - 1). */
    public static final int W1 = 0xBB67AE85;

    private static final double TWO_M24 = 0x1.0p-24;
    private static final double TWO_26 = 0x1.0p26;
    private static final double TWO_M53 = 0x1.0p-53;
    private static final double TWO_54 = 0x1.0p54;

    // fdlibm e_log.c constants, as IEEE 754 bit patterns.
    private static final double LN2_HI = Double.longBitsToDouble(0x3FE62E42FEE00000L);
    private static final double LN2_LO = Double.longBitsToDouble(0x3DEA39EF35793C76L);
    private static final double LG1 = Double.longBitsToDouble(0x3FE5555555555593L);
    private static final double LG2 = Double.longBitsToDouble(0x3FD999999997FA04L);
    private static final double LG3 = Double.longBitsToDouble(0x3FD2492494229359L);
    private static final double LG4 = Double.longBitsToDouble(0x3FCC71C51D8E78AFL);
    private static final double LG5 = Double.longBitsToDouble(0x3FC7466496CB03DEL);
    private static final double LG6 = Double.longBitsToDouble(0x3FC39A09D078C69FL);
    private static final double LG7 = Double.longBitsToDouble(0x3FC2F112DF3E5244L);
    private static final long SQRT2_MANTISSA = 0x6A09E667F3BCDL;

    // Taylor coefficients of cos(pi/2 r) = sum C_k r^(2k) and sin(pi/2 r) = sum S_k r^(2k+1).
    private static final double C0 = 0x1.0p0;
    private static final double C1 = -0x1.3bd3cc9be45dep+0;
    private static final double C2 = 0x1.03c1f081b5ac4p-2;
    private static final double C3 = -0x1.55d3c7e3cbffap-6;
    private static final double C4 = 0x1.e1f506891babbp-11;
    private static final double C5 = -0x1.a6d1f2a204a8cp-16;
    private static final double C6 = 0x1.f9d38a3763cc3p-22;
    private static final double C7 = -0x1.b6e24f44b128fp-28;
    private static final double C8 = 0x1.20c62c2f2d7f5p-34;
    private static final double C9 = -0x1.2a0c591af8314p-41;
    private static final double S0 = 0x1.921fb54442d18p+0;
    private static final double S1 = -0x1.4abbce625be53p-1;
    private static final double S2 = 0x1.466bc6775aae2p-4;
    private static final double S3 = -0x1.32d2cce62bd86p-8;
    private static final double S4 = 0x1.50783487ee782p-13;
    private static final double S5 = -0x1.e3074fde8871fp-19;
    private static final double S6 = 0x1.e8f434d018d63p-25;
    private static final double S7 = -0x1.6fadb9f155744p-31;
    private static final double S8 = 0x1.aaec32af93359p-38;
    private static final double S9 = -0x1.8a404211f9547p-45;

    private CounterRandom() {}

    // ---- Philox4x32-10 ----------------------------------------------------------------------------

    /**
     * Raw Philox4x32-10 of a 128-bit counter and a 64-bit key, as in Random123's
     * {@code philox4x32(ctr, key)}.
     *
     * @param ctr4 the four counter words {@code ctr0..ctr3}
     * @param key2 the two key words {@code k0, k1}
     * @return the four output words
     */
    public static int[] philox(int[] ctr4, int[] key2) {
        if (ctr4.length != 4 || key2.length != 2) {
            throw new IllegalArgumentException("philox needs 4 counter words and 2 key words, got "
                    + ctr4.length + " and " + key2.length);
        }
        int[] out = new int[4];
        philox(ctr4[0], ctr4[1], ctr4[2], ctr4[3], key2[0], key2[1], out);
        return out;
    }

    /**
     * The four Philox words for element {@code index} of the stream {@code seed}: counter
     * {@code (lo(index), hi(index), 0, 0)}, key {@code (lo(seed), hi(seed))}.
     */
    public static void philox(long seed, long index, int[] out4) {
        philox((int) index, (int) (index >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), out4);
    }

    private static void philox(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    // ---- Uniform ----------------------------------------------------------------------------------

    /**
     * The 24-bit uniform float in [0, 1) made from one Philox word: {@code (w >>> 8) * 2^-24}.
     * (Named apart from {@link #uniformFloat(long, long)} so that int arguments cannot pick the wrong one.)
     */
    public static float uniformFloatOfWord(int w) {
        return (float) ((w >>> 8) * TWO_M24);
    }

    /** The 53-bit uniform double in [0, 1) made from two Philox words. */
    public static double uniformDoubleOfWords(int w0, int w1) {
        return ((w0 >>> 5) * TWO_26 + (w1 >>> 6)) * TWO_M53;
    }

    /** Uniform float32 in [0, 1) for {@code (seed, index)}. */
    public static float uniformFloat(long seed, long index) {
        int[] w = new int[4];
        philox(seed, index, w);
        return uniformFloatOfWord(w[0]);
    }

    /** Uniform float64 in [0, 1) for {@code (seed, index)}. */
    public static double uniformDouble(long seed, long index) {
        int[] w = new int[4];
        philox(seed, index, w);
        return uniformDoubleOfWords(w[0], w[1]);
    }

    // ---- Normal -----------------------------------------------------------------------------------

    /** Standard normal (double) by Box–Muller from the four words of one Philox block. */
    public static double standardNormal(int w0, int w1, int w2, int w3) {
        double u1 = uniformDoubleOfWords(w0, w1);
        double u2 = uniformDoubleOfWords(w2, w3);
        return Math.sqrt(-2.0 * log(1.0 - u1)) * cos2pi(u2);
    }

    /** Standard normal (double) for {@code (seed, index)}. */
    public static double normalDouble(long seed, long index) {
        int[] w = new int[4];
        philox(seed, index, w);
        return standardNormal(w[0], w[1], w[2], w[3]);
    }

    // ---- Distributions ----------------------------------------------------------------------------

    /** The FLOAT32 value of {@code spec} for {@code (seed, index)}. */
    public static float sampleFloat(RandomSpec spec, long seed, long index) {
        int[] w = new int[4];
        philox(seed, index, w);
        return sampleFloat(spec, w);
    }

    /** The FLOAT64 value of {@code spec} for {@code (seed, index)}. */
    public static double sampleDouble(RandomSpec spec, long seed, long index) {
        int[] w = new int[4];
        philox(seed, index, w);
        return sampleDouble(spec, w);
    }

    /**
     * The FLOAT32 value of {@code spec} given the Philox words {@code w} of its index; lets a caller
     * reuse one scratch array over many elements.
     */
    public static float sampleFloat(RandomSpec spec, int[] w) {
        if (spec.kind() == RandomSpec.Kind.UNIFORM) {
            float a = (float) spec.a();
            float b = (float) spec.b();
            return a + (b - a) * uniformFloatOfWord(w[0]);
        }
        return (float) (spec.a() + spec.b() * standardNormal(w[0], w[1], w[2], w[3]));
    }

    /** The FLOAT64 value of {@code spec} given the Philox words {@code w} of its index. */
    public static double sampleDouble(RandomSpec spec, int[] w) {
        if (spec.kind() == RandomSpec.Kind.UNIFORM) {
            return spec.a() + (spec.b() - spec.a()) * uniformDoubleOfWords(w[0], w[1]);
        }
        return spec.a() + spec.b() * standardNormal(w[0], w[1], w[2], w[3]);
    }

    /** {@link #sampleFloat} or {@link #sampleDouble} widened to double, by {@code type} (FLOAT32 or FLOAT64). */
    public static double sample(DType type, RandomSpec spec, long seed, long index) {
        return switch (type) {
            case FLOAT32 -> sampleFloat(spec, seed, index);
            case FLOAT64 -> sampleDouble(spec, seed, index);
            default -> throw new IllegalArgumentException("random numbers are FLOAT32 or FLOAT64, not " + type);
        };
    }

    // ---- Portable elementary functions ------------------------------------------------------------

    /**
     * Natural logarithm from {@code + - * /} only (fdlibm's algorithm, see the class comment): the
     * same bits on every IEEE 754 machine that does not contract.
     */
    public static double log(double x) {
        if (!(x > 0)) {
            return x == 0 ? Double.NEGATIVE_INFINITY : Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        int k = 0;
        long bits = Double.doubleToRawLongBits(x);
        if ((bits >>> 52) == 0) { // subnormal
            x = x * TWO_54;
            k = -54;
            bits = Double.doubleToRawLongBits(x);
        }
        k += (int) (bits >>> 52) - 1023;
        long mantissa = bits & 0x000FFFFFFFFFFFFFL;
        double m;
        if (mantissa > SQRT2_MANTISSA) {
            m = Double.longBitsToDouble(mantissa | 0x3FE0000000000000L); // [sqrt(2)/2, 1)
            k += 1;
        } else {
            m = Double.longBitsToDouble(mantissa | 0x3FF0000000000000L); // [1, sqrt(2)]
        }
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double dk = k;
        double z = s * s;
        double w = z * z;
        double t1 = w * (LG2 + w * (LG4 + w * LG6));
        double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
        double r = t2 + t1;
        double hfsq = 0.5 * f * f;
        return dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
    }

    /**
     * {@code cos(2 * pi * u)} from {@code + - * /} only, reduced on {@code u} itself (see the class
     * comment), so there is no large-argument problem.
     */
    public static double cos2pi(double u) {
        if (!(u >= 0 && u < 1)) {
            if (Double.isNaN(u) || Double.isInfinite(u)) {
                return Double.NaN;
            }
            u = u - Math.floor(u);
            if (u >= 1) {
                u = 0;
            }
        }
        double v = 4.0 * u;
        int q = (int) (v + 0.5);
        double r = v - q;
        double z = r * r;
        switch (q & 3) {
            case 0:
                return cosQuarter(z);
            case 1:
                return -sinQuarter(r, z);
            case 2:
                return -cosQuarter(z);
            default:
                return sinQuarter(r, z);
        }
    }

    private static double cosQuarter(double z) {
        return C0 + z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * (C6 + z * (C7 + z * (C8 + z * C9))))))));
    }

    private static double sinQuarter(double r, double z) {
        return r * (S0 + z * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * (S6 + z * (S7 + z * (S8 + z * S9)))))))));
    }
}
