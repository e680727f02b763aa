package org.dimba4j.model.random;

/**
 * The single-precision log and sincos that PyTorch's x86 {@code torch.randn} uses for tensors of 16 or more
 * float32 elements ({@code log256_ps} and {@code sincos256_ps} of avx_mathfun.h, Cephes polynomials by
 * Julien Pommier and Giovanni Garberoglio). They are not correctly rounded, so bit-exact noise needs these
 * exact operation sequences, lane by lane. Valid for the inputs Box-Muller gives them: log of (0, 1],
 * sincos of [0, 2 pi).
 *
 * <p>The header writes separate multiplies and adds, but GCC contracts many of them into FMAs when it
 * builds PyTorch's AVX2 kernels (-mfma, fp-contract=fast). The {@code Math.fma} calls below are the
 * contractions found in the disassembly of the released libtorch_cpu.so (2.x, x86-64, {@code normal_kernel}
 * of the AVX2 dispatch); with plain multiplies and adds about 1% of the values are off by one ulp.
 */
final class CephesFloatMath {
    private CephesFloatMath() {}

    private static final float SQRTHF = 0.707106781186547524f;
    private static final float LOG_P0 = 7.0376836292E-2f;
    private static final float LOG_P1 = -1.1514610310E-1f;
    private static final float LOG_P2 = 1.1676998740E-1f;
    private static final float LOG_P3 = -1.2420140846E-1f;
    private static final float LOG_P4 = 1.4249322787E-1f;
    private static final float LOG_P5 = -1.6668057665E-1f;
    private static final float LOG_P6 = 2.0000714765E-1f;
    private static final float LOG_P7 = -2.4999993993E-1f;
    private static final float LOG_P8 = 3.3333331174E-1f;
    private static final float LOG_Q1 = -2.12194440e-4f;
    private static final float LOG_Q2 = 0.693359375f;

    private static final float MINUS_DP1 = -0.78515625f;
    private static final float MINUS_DP2 = -2.4187564849853515625e-4f;
    private static final float MINUS_DP3 = -3.77489497744594108e-8f;
    private static final float SINCOF_P0 = -1.9515295891E-4f;
    private static final float SINCOF_P1 = 8.3321608736E-3f;
    private static final float SINCOF_P2 = -1.6666654611E-1f;
    private static final float COSCOF_P0 = 2.443315711809948E-005f;
    private static final float COSCOF_P1 = -1.388731625493765E-003f;
    private static final float COSCOF_P2 = 4.166664568298827E-002f;
    private static final float FOPI = 1.27323954473516f; // 4 / pi

    /** Natural log of a positive normal float: exponent split off, Cephes polynomial on the mantissa. */
    static float log(float x) {
        int bits = Float.floatToRawIntBits(Math.max(x, Float.MIN_NORMAL));
        float e = (float) ((bits >>> 23) - 0x7f);
        float m = Float.intBitsToFloat((bits & ~0x7f800000) | Float.floatToRawIntBits(0.5f)); // in [0.5, 1)
        e = e + 1f;
        // if m < sqrt(1/2): e -= 1, m = 2m - 1; else m = m - 1
        boolean small = m < SQRTHF;
        float tmp = small ? m : 0f;
        m = m - 1f;
        e = e - (small ? 1f : 0f);
        m = m + tmp;

        float z = m * m;
        float y = LOG_P0;
        y = Math.fma(y, m, LOG_P1);
        y = Math.fma(y, m, LOG_P2);
        y = Math.fma(y, m, LOG_P3);
        y = Math.fma(y, m, LOG_P4);
        y = Math.fma(y, m, LOG_P5);
        y = Math.fma(y, m, LOG_P6);
        y = Math.fma(y, m, LOG_P7);
        y = Math.fma(y, m, LOG_P8);
        y = y * m;
        y = Math.fma(y, z, e * LOG_Q1);
        y = Math.fma(-z, 0.5f, y);
        float r = m + y;
        return Math.fma(e, LOG_Q2, r);
    }

    /** sin and cos of a non-negative x, written to out[0] and out[1]. */
    static void sincos(float x, float[] out) {
        int signSin = Float.floatToRawIntBits(x) & 0x80000000;
        x = Math.abs(x);
        int j = (int) (x * FOPI);      // truncation, as cvttps
        j = (j + 1) & ~1;               // j = (j + 1) & ~1, the octant rounded to even
        float y = (float) j;
        int swapSignSin = (j & 4) << 29;
        boolean polyMask = (j & 2) == 0; // true: the sine polynomial gives sin
        int signCos = (~(j - 2) & 4) << 29;
        signSin ^= swapSignSin;

        // extended-precision modular arithmetic: x = ((x - y DP1) - y DP2) - y DP3
        x = Math.fma(y, MINUS_DP1, x);
        x = Math.fma(y, MINUS_DP2, x);
        x = Math.fma(y, MINUS_DP3, x);

        float z = x * x;
        float c = COSCOF_P0;
        c = Math.fma(c, z, COSCOF_P1);
        c = Math.fma(c, z, COSCOF_P2);
        c = c * z;
        c = Math.fma(c, z, -(z * 0.5f));
        c = c + 1f;

        float s = SINCOF_P0;
        s = Math.fma(s, z, SINCOF_P1);
        s = Math.fma(s, z, SINCOF_P2);
        s = s * z;
        s = Math.fma(s, x, x);

        float sinPart = polyMask ? s : c;
        float cosPart = polyMask ? c : s;
        out[0] = Float.intBitsToFloat(Float.floatToRawIntBits(sinPart) ^ signSin);
        out[1] = Float.intBitsToFloat(Float.floatToRawIntBits(cosPart) ^ signCos);
    }
}
