package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.dimba4j.kernels.grad.ScanGrads;

/**
 * Reverse-mode autograd as a {@link Backend} decorator: models run their ordinary forward on it, unchanged. Every op
 * whose inputs include a tracked tensor (a {@link #watch watched} one, or the output of a recorded op) is computed by
 * the inner backend and recorded on a tape; {@link #backward} walks the tape in reverse, calling the inner backend's
 * forward and backward ops, so gradients stay where the activations are (on the device for a GPU backend).
 *
 * <pre>
 *   TapeBackend tape = new TapeBackend(cpu);
 *   params.values().forEach(tape::watch);
 *   Tensor loss = lossOf(Dimba.of(config, params, tape).forward(...));
 *   Gradients g = tape.backward(loss);      // g.get(param)
 * </pre>
 *
 * Ops without a backward ({@code max}, the backward ops themselves) throw
 * when an input is tracked; untracked calls pass straight through. Keys are storages, so views made by
 * {@code Tensor.reshape} share their tensor's tracking and gradient. One tape serves one forward/backward at a time.
 */
public final class TapeBackend implements Backend {
    private final Backend inner;
    private final Tape tape;

    public TapeBackend(Backend inner) {
        this.inner = inner;
        this.tape = new Tape(inner);
    }

    /** The backend that computes. */
    public Backend inner() {
        return inner;
    }

    /** Asks for the gradient of {@code t} (a parameter, or an input under test); returns {@code t}. */
    public Tensor watch(Tensor t) {
        tape.watch(t);
        return t;
    }

    /** Whether {@code t} is watched or computed from a watched tensor in the current forward. */
    public boolean isTracked(Tensor t) {
        return tape.isTracked(t);
    }

    /** Number of ops recorded since the last backward. */
    public int recordedOps() {
        return tape.size();
    }

    /** A block of ops that {@link #checkpoint} can run again: its outputs from its inputs, on the backend given. */
    @FunctionalInterface
    public interface Block {
        Tensor[] apply(Backend be, Tensor[] inputs);
    }

    /**
     * Gradient checkpointing: runs {@code block} on this backend without recording, keeping only its inputs (and
     * outputs); the backward runs it again, recording, and walks those ops right away. Gradients are the same bits as
     * without it (same ops, summed in the same order); the memory held between forward and backward is the inputs
     * instead of every activation inside. The block must compute the same thing both times (no randomness) and take
     * the parameters it uses from its closure or its inputs. Null inputs and outputs are allowed.
     */
    public Tensor[] checkpoint(String name, Block block, Tensor... inputs) {
        Tensor[] in = inputs.clone();
        return tape.checkpoint(name, () -> block.apply(this, in), in);
    }

    /**
     * Bytes of the activations the tape holds for the backward: the distinct tensors its recorded ops (and
     * checkpoints) keep, without the watched ones. Zero after {@link #backward}.
     */
    public long heldBytes() {
        return tape.heldBytes();
    }

    /**
     * Gradients of {@code loss} (seeded with ones, so a non-scalar loss means its sum) with respect to the watched
     * tensors; clears the tape (watched tensors stay watched).
     */
    public Gradients backward(Tensor loss) {
        return tape.backward(loss);
    }

    /**
     * Gradients of a loss computed outside the tape from {@code out}, given {@code dOut} = d loss / d out (shaped like
     * out, on the inner backend or the host: it is uploaded); clears the tape like {@link #backward(Tensor)}.
     */
    public Gradients backward(Tensor out, Tensor dOut) {
        return tape.backward(out, inner.upload(dOut));
    }

    private Tensor record(String op, Tensor out, Backward backward, Tensor... inputs) {
        return tape.record(op, out, backward, inputs);
    }

    private void refuse(String op, Tensor... inputs) {
        for (Tensor t : inputs) {
            if (tape.isTracked(t)) {
                throw new UnsupportedOperationException("TapeBackend: " + op + " has no backward, but its input " + t
                        + " needs a gradient (it is watched or computed from a watched tensor)");
            }
        }
    }

    @Override
    public String name() {
        return "tape(" + inner.name() + ")";
    }

    // ---- memory ----

    @Override
    public Tensor upload(Tensor host) {
        return record("upload", inner.upload(host), (dy, s) -> s.add(host, dy), host);
    }

    @Override
    public Tensor download(Tensor t) {
        return record("download", inner.download(t), (dy, s) -> s.add(t, inner.upload(dy)), t);
    }

    @Override
    public Tensor full(float value, int... shape) {
        return inner.full(value, shape);
    }

    // ---- linear algebra, attention, norms ----

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        return record("matmul", inner.matmul(a, b, transA, transB),
                (dy, s) -> LinearAlgebraBackward.matmul(inner, a, b, transA, transB, dy, s), a, b);
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return record("linear", inner.linear(x, weight, bias),
                (dy, s) -> LinearAlgebraBackward.linear(inner, x, weight, bias, dy, s), x, weight, bias);
    }

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias) {
        refuse("attention (the key mask is a constant)", keyMask);
        Tensor out = inner.attention(q, k, v, heads, scale, keyMask, bias);
        return record("attention", out,
                (dy, s) -> KernelBackward.attention(inner, q, k, v, heads, scale, keyMask, bias, out, dy, s), q, k, v, bias);
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return record("layerNorm", inner.layerNorm(x, weight, bias, eps),
                (dy, s) -> KernelBackward.layerNorm(inner, x, weight, bias, eps, dy, s), x, weight, bias);
    }

    @Override
    public Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        return record("rmsNorm", inner.rmsNorm(x, weight, eps),
                (dy, s) -> KernelBackward.rmsNorm(inner, x, weight, eps, dy, s), x, weight);
    }

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps) {
        return record("groupNorm", inner.groupNorm(x, groups, weight, bias, eps),
                (dy, s) -> KernelBackward.groupNorm(inner, x, groups, weight, bias, eps, dy, s), x, weight, bias);
    }

    @Override
    public Tensor softmax(Tensor x) {
        Tensor y = inner.softmax(x);
        return record("softmax", y, (dy, s) -> s.add(x, inner.softmaxBackward(y, dy)), x);
    }

    // ---- activations ----

    @Override
    public Tensor silu(Tensor x) {
        return record("silu", inner.silu(x), (dy, s) -> s.add(x, inner.siluBackward(x, dy)), x);
    }

    @Override
    public Tensor geluTanh(Tensor x) {
        return record("geluTanh", inner.geluTanh(x), (dy, s) -> s.add(x, inner.geluTanhBackward(x, dy)), x);
    }

    @Override
    public Tensor geluErf(Tensor x) {
        return record("geluErf", inner.geluErf(x), (dy, s) -> s.add(x, inner.geluErfBackward(x, dy)), x);
    }

    @Override
    public Tensor relu(Tensor x) {
        return record("relu", inner.relu(x), (dy, s) -> s.add(x, inner.reluBackward(x, dy)), x);
    }

    @Override
    public Tensor softplus(Tensor x) {
        return record("softplus", inner.softplus(x), (dy, s) -> s.add(x, inner.softplusBackward(x, dy)), x);
    }

    @Override
    public Tensor exp(Tensor x) {
        Tensor y = inner.exp(x);
        return record("exp", y, (dy, s) -> ElementwiseBackward.exp(inner, x, y, dy, s), x);
    }

    @Override
    public Tensor sqrt(Tensor x) {
        Tensor y = inner.sqrt(x);
        return record("sqrt", y, (dy, s) -> ElementwiseBackward.sqrt(inner, x, y, dy, s), x);
    }

    @Override
    public Tensor gatedGelu(Tensor gate, Tensor up) {
        return record("gatedGelu", inner.gatedGelu(gate, up),
                (dy, s) -> ElementwiseBackward.gatedGelu(inner, gate, up, dy, s), gate, up);
    }

    // ---- convolution and scan ----

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, int groups) {
        return record("conv2d", inner.conv2d(x, weight, bias, strideH, strideW, padH, padW, groups),
                (dy, s) -> KernelBackward.conv2d(inner, x, weight, bias, strideH, strideW, padH, padW, groups, dy, s),
                x, weight, bias);
    }

    @Override
    public Tensor pad2d(Tensor x, int left, int right, int top, int bottom) {
        return record("pad2d", inner.pad2d(x, left, right, top, bottom),
                (dy, s) -> LayoutBackward.pad2d(inner, x, left, top, dy, s), x);
    }

    @Override
    public Tensor upsampleNearest2d(Tensor x, int factor) {
        return record("upsampleNearest2d", inner.upsampleNearest2d(x, factor),
                (dy, s) -> LayoutBackward.upsampleNearest2d(inner, x, factor, dy, s), x);
    }

    @Override
    public Tensor causalConv1d(Tensor x, Tensor weight, Tensor bias) {
        return record("causalConv1d", inner.causalConv1d(x, weight, bias),
                (dy, s) -> KernelBackward.causalConv1d(inner, x, weight, bias, dy, s), x, weight, bias);
    }

    @Override
    public Tensor selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                                Tensor deltaBias, boolean deltaSoftplus) {
        return record("selectiveScan", inner.selectiveScan(u, delta, a, b, c, d, z, deltaBias, deltaSoftplus),
                (dy, s) -> KernelBackward.selectiveScan(inner, u, delta, a, b, c, d, z, deltaBias, deltaSoftplus, dy, s),
                u, delta, a, b, c, d, z, deltaBias);
    }

    // ---- elementwise ----

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return record("add", inner.add(a, b), (dy, s) -> ElementwiseBackward.add(inner, a, b, dy, s), a, b);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return record("sub", inner.sub(a, b), (dy, s) -> ElementwiseBackward.sub(inner, a, b, dy, s), a, b);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return record("mul", inner.mul(a, b), (dy, s) -> ElementwiseBackward.mul(inner, a, b, dy, s), a, b);
    }

    @Override
    public Tensor div(Tensor a, Tensor b) {
        Tensor out = inner.div(a, b);
        return record("div", out, (dy, s) -> ElementwiseBackward.div(inner, a, b, out, dy, s), a, b);
    }

    @Override
    public Tensor affine(Tensor x, float scale, float shift) {
        return record("affine", inner.affine(x, scale, shift), (dy, s) -> s.add(x, inner.scale(dy, scale)), x);
    }

    // ---- reductions ----

    @Override
    public Tensor sum(Tensor x, int dim) {
        return record("sum", inner.sum(x, dim), (dy, s) -> LayoutBackward.sum(inner, x, dy, s), x);
    }

    @Override
    public Tensor mean(Tensor x, int dim) {
        return record("mean", inner.mean(x, dim), (dy, s) -> LayoutBackward.mean(inner, x, dim, dy, s), x);
    }

    @Override
    public Tensor max(Tensor x, int dim) {
        refuse("max", x);
        return inner.max(x, dim);
    }

    @Override
    public Tensor sumTo(Tensor g, int... shape) {
        return tape.isTracked(g) ? Backend.super.sumTo(g, shape) : inner.sumTo(g, shape);
    }

    // ---- layout ----

    @Override
    public Tensor permute(Tensor x, int... axes) {
        int[] ax = axes.clone();
        return record("permute", inner.permute(x, ax), (dy, s) -> LayoutBackward.permute(inner, x, ax, dy, s), x);
    }

    @Override
    public Tensor slice(Tensor x, int dim, int start, int end) {
        return record("slice", inner.slice(x, dim, start, end),
                (dy, s) -> LayoutBackward.slice(inner, x, dim, start, end, dy, s), x);
    }

    @Override
    public Tensor concat(int dim, Tensor... xs) {
        Tensor[] in = xs.clone();
        return record("concat", inner.concat(dim, in), (dy, s) -> LayoutBackward.concat(inner, dim, in, dy, s), in);
    }

    @Override
    public Tensor flip(Tensor x, int dim) {
        return record("flip", inner.flip(x, dim), (dy, s) -> LayoutBackward.flip(inner, x, dim, dy, s), x);
    }

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        refuse("embedding (ids are constants)", ids);
        return record("embedding", inner.embedding(table, ids),
                (dy, s) -> LayoutBackward.embedding(inner, table, ids, dy, s), table);
    }

    // ---- backward ops: passed through for untracked arguments, no second-order gradients ----

    @Override
    public AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask,
                                            Tensor bias, Tensor out, Tensor dOut) {
        refuse("attentionBackward", q, k, v, keyMask, bias, out, dOut);
        return inner.attentionBackward(q, k, v, heads, scale, keyMask, bias, out, dOut);
    }

    @Override
    public NormGrads layerNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) {
        refuse("layerNormBackward", x, weight, dy);
        return inner.layerNormBackward(x, weight, eps, dy);
    }

    @Override
    public NormGrads rmsNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) {
        refuse("rmsNormBackward", x, weight, dy);
        return inner.rmsNormBackward(x, weight, eps, dy);
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor dy) {
        refuse("softmaxBackward", y, dy);
        return inner.softmaxBackward(y, dy);
    }

    @Override
    public Tensor siluBackward(Tensor x, Tensor dy) {
        refuse("siluBackward", x, dy);
        return inner.siluBackward(x, dy);
    }

    @Override
    public Tensor geluTanhBackward(Tensor x, Tensor dy) {
        refuse("geluTanhBackward", x, dy);
        return inner.geluTanhBackward(x, dy);
    }

    @Override
    public Tensor geluErfBackward(Tensor x, Tensor dy) {
        refuse("geluErfBackward", x, dy);
        return inner.geluErfBackward(x, dy);
    }

    @Override
    public Tensor reluBackward(Tensor x, Tensor dy) {
        refuse("reluBackward", x, dy);
        return inner.reluBackward(x, dy);
    }

    @Override
    public Tensor softplusBackward(Tensor x, Tensor dy) {
        refuse("softplusBackward", x, dy);
        return inner.softplusBackward(x, dy);
    }

    @Override
    public ConvGrads conv2dBackward(Tensor x, Tensor weight, Tensor dy, boolean withBias, int strideH, int strideW,
                                    int padH, int padW, int groups) {
        refuse("conv2dBackward", x, weight, dy);
        return inner.conv2dBackward(x, weight, dy, withBias, strideH, strideW, padH, padW, groups);
    }

    @Override
    public ConvGrads causalConv1dBackward(Tensor x, Tensor weight, Tensor dy, boolean withBias) {
        refuse("causalConv1dBackward", x, weight, dy);
        return inner.causalConv1dBackward(x, weight, dy, withBias);
    }

    @Override
    public ScanGrads selectiveScanBackward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                                           Tensor deltaBias, boolean deltaSoftplus, Tensor dOut) {
        refuse("selectiveScanBackward", u, delta, a, b, c, d, z, deltaBias, dOut);
        return inner.selectiveScanBackward(u, delta, a, b, c, d, z, deltaBias, deltaSoftplus, dOut);
    }

    @Override
    public Tensor embeddingBackward(Tensor ids, Tensor dOut, int rows) {
        refuse("embeddingBackward", ids, dOut);
        return inner.embeddingBackward(ids, dOut, rows);
    }

    /** The tape does not own the inner backend: closing it is a no-op. */
    @Override
    public void close() {}
}
