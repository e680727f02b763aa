package org.dimba4j.kernels;

import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.dimba4j.kernels.grad.ScanGrads;

/**
 * The one seam between the math and the hardware. Every op the models need is a method here; model code
 * calls nothing else to compute. Ops are pure: they return new tensors and never modify their inputs.
 *
 * <p>Conventions, shared by every implementation:
 * <ul>
 *   <li>Tensors are dense and row-major; "last dim" is the contiguous one.</li>
 *   <li>Inputs may be host tensors of any floating dtype (f32 arrays, or f16/bf16/f32 segments that are
 *       memory-mapped); outputs are f32 in this backend's storage. Large weights (the {@code weight} of
 *       {@link #linear}, the right operand of {@link #matmul}, the table of {@link #embedding}) are read
 *       in place, never copied whole.</li>
 *   <li>Sequence tensors are channel-last: {@code [B, L, C]}. Images are {@code [N, C, H, W]}.</li>
 *   <li>Shape errors throw {@link IllegalArgumentException} naming the op and the shapes.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** "cpu", "reference", "opencl:&lt;device&gt;", ... */
    String name();

    // ---- memory -------------------------------------------------------------------------------------

    /** A tensor of this backend holding {@code host}'s values (f32). Backends with host storage may return it as is. */
    Tensor upload(Tensor host);

    /** A host f32 tensor (heap array) with {@code t}'s values. */
    Tensor download(Tensor t);

    /** A new tensor of this backend filled with {@code value}. */
    Tensor full(float value, int... shape);

    default Tensor zeros(int... shape) {
        return full(0f, shape);
    }

    // ---- linear algebra -----------------------------------------------------------------------------

    /**
     * Batched matrix product. {@code a} is [..., M, K] ([..., K, M] if transA), {@code b} is [..., K, N]
     * ([..., N, K] if transB). Leading (batch) dims of a and b must be equal, or b may be 2-D (shared by
     * every batch). Result [..., M, N].
     */
    Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB);

    /** {@code x @ weight^T + bias}: x [..., in], weight [out, in] (PyTorch nn.Linear layout), bias [out] or null. */
    Tensor linear(Tensor x, Tensor weight, Tensor bias);

    // ---- attention ----------------------------------------------------------------------------------

    /**
     * Multi-head scaled-dot-product attention, computed in tiles so memory is O(L), never the Lq x Lk matrix.
     * q [B, Lq, H*D], k and v [B, Lk, H*D]; {@code heads} = H. out[b, i, h] = sum_j softmax_j(s_ij) v[b, j, h]
     * with s_ij = scale * q_i . k_j + bias[h, i, j] (bias [H, Lq, Lk] or [B, H, Lq, Lk], or null), and keys with
     * keyMask[b, j] == 0 dropped (keyMask [B, Lk], or null). A row whose keys are all masked gives zeros.
     * Result [B, Lq, H*D].
     */
    Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias);

    // ---- normalisation ------------------------------------------------------------------------------

    /** LayerNorm over the last dim; weight and bias [C] or null (no affine). Biased variance, as PyTorch. */
    Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps);

    /** x / sqrt(mean(x^2) + eps) * weight over the last dim (T5 and Mamba RMSNorm: no mean subtraction); weight may be null. */
    Tensor rmsNorm(Tensor x, Tensor weight, float eps);

    /** GroupNorm of x [N, C, *spatial] with {@code groups} groups; weight, bias [C] or null. */
    Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps);

    /** Softmax over the last dim (max-subtracted). */
    Tensor softmax(Tensor x);

    // ---- activations --------------------------------------------------------------------------------

    Tensor silu(Tensor x);

    /** GELU, tanh approximation (PyTorch approximate="tanh", T5 "gelu_new"). */
    Tensor geluTanh(Tensor x);

    /** GELU with the exact erf. */
    Tensor geluErf(Tensor x);

    Tensor relu(Tensor x);

    /** log(1 + exp(x)), with PyTorch's threshold 20 (x above it is returned as is). */
    Tensor softplus(Tensor x);

    Tensor exp(Tensor x);

    /** Square root, elementwise (optimizers: Adam's and CAME's second moments). */
    Tensor sqrt(Tensor x);

    /** geluTanh(gate) * up, the gated-GELU of T5 v1.1 and Flan-T5. */
    default Tensor gatedGelu(Tensor gate, Tensor up) {
        return mul(geluTanh(gate), up);
    }

    // ---- convolution --------------------------------------------------------------------------------

    /**
     * 2-D cross-correlation as nn.Conv2d: x [N, C, H, W], weight [O, C/groups, kh, kw], bias [O] or null;
     * symmetric zero padding padH/padW. Result [N, O, Ho, Wo].
     */
    Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, int groups);

    /** Zero padding of the last two dims of x [..., H, W]. */
    Tensor pad2d(Tensor x, int left, int right, int top, int bottom);

    /** Nearest-neighbour upsampling of the last two dims by an integer factor (F.interpolate mode="nearest"). */
    Tensor upsampleNearest2d(Tensor x, int factor);

    /**
     * Depthwise causal conv1d over the sequence of x [B, L, C]: out[b,t,c] = bias[c] + sum_k w[c,k] x[b, t-K+1+k, c]
     * (zeros before t = 0); weight [C, 1, K] or [C, K], bias [C] or null. Result [B, L, C].
     */
    Tensor causalConv1d(Tensor x, Tensor weight, Tensor bias);

    // ---- selective scan (Mamba-1) -------------------------------------------------------------------

    /**
     * The selective scan of Mamba (mamba_ssm selective_scan_ref), channel-last.
     * u, delta [B, L, E]; a [E, N] (already -exp(A_log)); b, c [B, L, N]; d [E] or null; z [B, L, E] or null;
     * deltaBias [E] or null. dt = delta (+ deltaBias), softplus'd if deltaSoftplus;
     * h_t = exp(dt_t a) h_{t-1} + dt_t b_t u_t; y_t = c_t . h_t + d u_t; y *= silu(z). Result [B, L, E].
     */
    Tensor selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                         Tensor deltaBias, boolean deltaSoftplus);

    // ---- elementwise with numpy broadcasting --------------------------------------------------------

    Tensor add(Tensor a, Tensor b);

    Tensor sub(Tensor a, Tensor b);

    Tensor mul(Tensor a, Tensor b);

    Tensor div(Tensor a, Tensor b);

    /** x * s + t. */
    Tensor affine(Tensor x, float s, float t);

    default Tensor scale(Tensor x, float s) {
        return affine(x, s, 0f);
    }

    // ---- reductions (the reduced dim is kept with size 1) -------------------------------------------

    Tensor sum(Tensor x, int dim);

    Tensor mean(Tensor x, int dim);

    Tensor max(Tensor x, int dim);

    // ---- layout -------------------------------------------------------------------------------------

    /** A copy with dims reordered: result dim i is x's dim axes[i] (torch.permute). */
    Tensor permute(Tensor x, int... axes);

    /** Elements start..end-1 along dim. */
    Tensor slice(Tensor x, int dim, int start, int end);

    /** Concatenation along dim; all other dims equal. */
    Tensor concat(int dim, Tensor... xs);

    /** Reverse the order along dim (torch.flip). */
    Tensor flip(Tensor x, int dim);

    /** Rows of table [V, D] picked by ids (I64/I32 host tensor of any shape S). Result [S..., D]. */
    Tensor embedding(Tensor table, Tensor ids);

    // ---- backward (training) ------------------------------------------------------------------------
    // Each takes the forward op's inputs (and, where it saves work, its output) plus dy, the gradient of the loss
    // with respect to the forward output, and returns the gradients of the inputs. Ops whose backward is another
    // forward op (matmul, linear, elementwise, layout) have none here: the autograd tape composes them. Argument
    // checks are the forward op's, plus dy having the forward output's shape.

    /**
     * Backward of {@link #attention}: the forward's arguments, its output {@code out} and {@code dOut} [B, Lq, H*D].
     * Recomputes the probabilities tile by tile (memory O(L), as the forward). {@code keyMask} and {@code bias} are
     * constants (no gradient). A query row whose keys are all masked (zero output) gives zero gradients.
     */
    AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias,
                                     Tensor out, Tensor dOut);

    /**
     * Backward of {@link #layerNorm} (x [..., C], weight [C] or null, dy like x): dx, and dWeight = sum over rows of
     * dy * xhat and dBias = sum over rows of dy when weight is not null (whether or not the forward had a bias).
     */
    NormGrads layerNormBackward(Tensor x, Tensor weight, float eps, Tensor dy);

    /** Backward of {@link #rmsNorm}: dx, and dWeight when weight is not null; dBias is null. */
    NormGrads rmsNormBackward(Tensor x, Tensor weight, float eps, Tensor dy);

    /** Backward of {@link #softmax} from its output y: dx = y * (dy - sum(dy * y)) over the last dim. */
    Tensor softmaxBackward(Tensor y, Tensor dy);

    /** dy * silu'(x). */
    Tensor siluBackward(Tensor x, Tensor dy);

    /** dy * d/dx of the tanh-approximated GELU (PyTorch's gelu_backward with approximate="tanh"). */
    Tensor geluTanhBackward(Tensor x, Tensor dy);

    /** dy * d/dx of the exact-erf GELU. */
    Tensor geluErfBackward(Tensor x, Tensor dy);

    /** dy where x &gt; 0, else 0 (PyTorch's convention at 0). */
    Tensor reluBackward(Tensor x, Tensor dy);

    /** dy * sigmoid(x), and dy as is above the threshold 20 (where the forward is the identity). */
    Tensor softplusBackward(Tensor x, Tensor dy);

    /**
     * Backward of {@link #conv2d} with the same x, weight, strides, padding and groups; dy [N, O, Ho, Wo]. dBias
     * (sum of dy over N, Ho, Wo) is computed only when {@code withBias}.
     */
    ConvGrads conv2dBackward(Tensor x, Tensor weight, Tensor dy, boolean withBias, int strideH, int strideW, int padH,
                             int padW, int groups);

    /** Backward of {@link #causalConv1d}: dx [B, L, C], dWeight in weight's shape, dBias [C] only when {@code withBias}. */
    ConvGrads causalConv1dBackward(Tensor x, Tensor weight, Tensor dy, boolean withBias);

    /**
     * Backward of {@link #selectiveScan} with the same arguments and dOut [B, L, E]. Recomputes the states (the forward
     * keeps none): the CPU backend spends about 5x a forward scan on it ({@code ScanBackwardBench}). Accumulation is
     * f32 (the scalar reference's is double), as in mamba_ssm's CUDA backward.
     */
    ScanGrads selectiveScanBackward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                                    Tensor deltaBias, boolean deltaSoftplus, Tensor dOut);

    /**
     * Backward of {@link #embedding} with respect to the table: a [rows, D] tensor where row r is the sum of the
     * dOut rows [S..., D] whose id is r (ids repeat: scatter-add).
     */
    Tensor embeddingBackward(Tensor ids, Tensor dOut, int rows);

    /**
     * The gradient of a broadcast operand: {@code g} summed over the dims that numpy broadcasting expanded from
     * {@code shape}, reshaped to {@code shape} (a no-op when the shapes are equal).
     */
    default Tensor sumTo(Tensor g, int... shape) {
        int[] gs = g.shape();
        if (java.util.Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        if (lead < 0) throw OpShapes.error("sumTo", "cannot reduce to " + java.util.Arrays.toString(shape), g);
        Tensor r = g;
        for (int i = gs.length - 1; i >= 0; i--) {
            int target = i < lead ? 1 : shape[i - lead];
            if (target == gs[i]) continue;
            if (target != 1) throw OpShapes.error("sumTo", "cannot reduce to " + java.util.Arrays.toString(shape), g);
            r = sum(r, i);
        }
        return r.reshape(shape);
    }

    @Override
    default void close() {}
}
