package org.dimba4j.kernels.opencl;

import com.aparapi.Kernel;

/**
 * The state every device op shares: the arena, the staging buffers and the launch parameters.
 *
 * <p>Why one arena: Aparapi binds a device buffer to a Java primitive array <em>per {@link Kernel} instance</em> and
 * caches one entry point per instance. So all ops live in one kernel class ({@link DeviceKernel}, built up from the
 * op families {@link ElementwiseKernels}, {@link NormKernels}, {@link MatmulKernels}, {@link AttentionKernels}, {@link SequenceKernels}, and the backward
 * kernels {@link BackwardKernels}, {@link SequenceBackwardKernels})
 * whose {@code run()} dispatches on {@link #op}, and every tensor is a range of an arena array, addressed by an int
 * whose top bits name the arena ({@link #ld}, {@link #st}). In explicit mode nothing moves unless {@code put}/{@code get} is called: only the staging arrays are ever
 * transferred, so activations stay on the device between ops.
 *
 * <p>Parameters are scalar fields (Aparapi passes them as kernel arguments at each launch). Offsets of absent
 * optional operands are -1. Each op documents which fields it reads.
 */
abstract class KernelBase extends Kernel {
    static final int OP_STAGE_IN = 1, OP_STAGE_OUT = 2, OP_FILL = 3, OP_MAP = 4, OP_REDUCE = 5, OP_NORM = 6,
            OP_GATHER = 8, OP_MATMUL = 9, OP_ATTENTION = 10, OP_SCAN = 11, OP_CONV1D = 12,
            OP_CONV2D = 13;

    /** Address bits of one arena: an address is (arena << ARENA_BITS) | element offset. */
    static final int ARENA_BITS = 29;
    static final int ARENA_MASK = (1 << ARENA_BITS) - 1;
    /** Most arenas per backend: addresses stay below 2^31. */
    static final int MAX_ARENAS = 4;

    /**
     * Device-resident arenas, every tensor a range of one of them. Several, because Aparapi keeps a buffer's byte size
     * in a jint (2 GiB each); unused ones are tiny.
     */
    float[] mem0;
    float[] mem1;
    float[] mem2;
    float[] mem3;
    /** Staging buffers, the only arrays ever transferred: a small one for small tensors, a large one for chunks. */
    float[] stageSmall;
    float[] stageLarge;

    int op;
    int oOff, aOff, bOff, cOff, dOff, eOff, fOff, gOff, hOff;
    int n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, n13, n14;
    float f0, f1;

    /**
     * Runs only when Aparapi executes the kernel in Java ({@code @NoCL} methods are left out of the OpenCL code):
     * Aparapi silently falls back to its thread pool when OpenCL fails, which is far too slow for these kernels and
     * would hide the failure, so fail loudly instead.
     */
    @NoCL
    public void failIfJava() {
        throw new IllegalStateException("Aparapi fell back to Java execution (OpenCL translation or launch failed;"
                + " see the Aparapi warnings above)");
    }

    /** Element at arena address {@code addr}. */
    float ld(int addr) {
        int arena = addr >>> ARENA_BITS;
        int i = addr & ARENA_MASK;
        float v = 0f; // initialised: Aparapi drops declarations of locals first assigned in branches
        if (arena == 0) {
            v = mem0[i];
        } else if (arena == 1) {
            v = mem1[i];
        } else if (arena == 2) {
            v = mem2[i];
        } else {
            v = mem3[i];
        }
        return v;
    }

    /** Stores {@code v} at arena address {@code addr}. */
    void st(int addr, float v) {
        int arena = addr >>> ARENA_BITS;
        int i = addr & ARENA_MASK;
        if (arena == 0) {
            mem0[i] = v;
        } else if (arena == 1) {
            mem1[i] = v;
        } else if (arena == 2) {
            mem2[i] = v;
        } else {
            mem3[i] = v;
        }
    }

    /** mem[oOff + i] = stage[i] for i &lt; n0 (n1 = 1: large stage). Range: n0 work-items. */
    void stageIn() {
        int i = getGlobalId(0);
        if (i < n0) {
            if (n1 == 1) {
                st(oOff + i, stageLarge[i]);
            } else {
                st(oOff + i, stageSmall[i]);
            }
        }
    }

    /** stage[i] = mem[aOff + i] for i &lt; n0 (n1 = 1: large stage). Range: n0 work-items. */
    void stageOut() {
        int i = getGlobalId(0);
        if (i < n0) {
            if (n1 == 1) {
                stageLarge[i] = ld(aOff + i);
            } else {
                stageSmall[i] = ld(aOff + i);
            }
        }
    }

    /** mem[oOff + i] = f0 for i &lt; n0. Range: n0 work-items. */
    void fill() {
        int i = getGlobalId(0);
        if (i < n0) st(oOff + i, f0);
    }
}
