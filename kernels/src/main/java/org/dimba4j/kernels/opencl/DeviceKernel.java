package org.dimba4j.kernels.opencl;

/**
 * The one Aparapi kernel of an {@link OpenClBackend}: {@code run()} dispatches on {@link #op} to the op families it
 * inherits, so that all ops share one set of device buffers (see {@link KernelBase}). The op is uniform across a
 * launch, so every work-item of a work-group takes the same branch and reaches the same barriers.
 */
final class DeviceKernel extends SequenceBackwardKernels {
    /** Arenas of the given sizes (at most {@link #MAX_ARENAS}, each below 2^29 floats); the others get 16 floats. */
    DeviceKernel(int[] arenaFloats, int smallStage, int largeStage) {
        mem0 = new float[arenaSize(arenaFloats, 0)];
        mem1 = new float[arenaSize(arenaFloats, 1)];
        mem2 = new float[arenaSize(arenaFloats, 2)];
        mem3 = new float[arenaSize(arenaFloats, 3)];
        stageSmall = new float[smallStage];
        stageLarge = new float[largeStage];
        setExplicit(true);
    }

    private static int arenaSize(int[] sizes, int i) {
        return i < sizes.length ? sizes[i] : 16;
    }

    @Override
    public void run() {
        failIfJava();
        if (op == OP_STAGE_IN) {
            stageIn();
        } else if (op == OP_STAGE_OUT) {
            stageOut();
        } else if (op == OP_FILL) {
            fill();
        } else if (op == OP_MAP) {
            map();
        } else if (op == OP_REDUCE) {
            reduce();
        } else if (op == OP_NORM) {
            segmentNorm();
        } else if (op == OP_GATHER) {
            gather();
        } else if (op == OP_MATMUL) {
            matmul();
        } else if (op == OP_ATTENTION) {
            attention();
        } else if (op == OP_SCAN) {
            scan();
        } else if (op == OP_CONV1D) {
            conv1d();
        } else if (op == OP_CONV2D) {
            conv2d();
        } else if (op == OP_ACTIVATION_GRAD) {
            activationGrad();
        } else if (op == OP_SOFTMAX_GRAD) {
            softmaxGrad();
        } else if (op == OP_NORM_GRAD) {
            normGrad();
        } else if (op == OP_NORM_PARAM_GRAD) {
            normParamGrad();
        } else if (op == OP_ATTENTION_STATS) {
            attentionRowStats();
        } else if (op == OP_ATTENTION_DQ) {
            attentionDq();
        } else if (op == OP_ATTENTION_DKV) {
            attentionDkv();
        } else if (op == OP_SCAN_GRAD) {
            scanGrad();
        } else if (op == OP_CONV1D_GRAD_X) {
            conv1dGradX();
        } else if (op == OP_CONV1D_GRAD_W) {
            conv1dGradW();
        } else if (op == OP_CONV2D_GRAD_X) {
            conv2dGradX();
        } else if (op == OP_CONV2D_GRAD_W) {
            conv2dGradW();
        } else if (op == OP_EMBEDDING_GRAD) {
            embeddingGrad();
        }
    }
}
