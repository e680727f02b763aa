package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.nn.Linear;

/**
 * One scan direction of a Mamba mixer (the selective SSM of Mamba-1): {@code conv1d}, {@code x_proj},
 * {@code dt_proj}, {@code A_log}, {@code D} (the backward direction of bimamba v2 has the same with a {@code _b}).
 * <pre>
 *   u = SiLU(causal depthwise conv1d(x))
 *   (dt, B, C) = x_proj(u) split [dt_rank, d_state, d_state]
 *   delta = softplus(dt_proj.weight @ dt + dt_proj.bias);  A = -exp(A_log)
 *   h_t = exp(delta_t A) h_{t-1} + delta_t B_t u_t;   y_t = C_t . h_t + D u_t;   y *= SiLU(z)
 * </pre>
 */
record SsmDirection(Tensor conv1dWeight, Tensor conv1dBias, Linear xProj, Linear dtProj, Tensor aLog, Tensor d) {

    int dtRank() {
        return dtProj.weight().dim(1);
    }

    int dState() {
        return aLog.dim(1);
    }

    /** x, z [B, L, E] -> gated scan output [B, L, E]. */
    Tensor forward(Backend be, Tensor x, Tensor z) {
        int r = dtRank(), n = dState();
        Tensor u = be.silu(be.causalConv1d(x, conv1dWeight, conv1dBias));
        Tensor xDbl = xProj.forward(be, u); // [B, L, dt_rank + 2 N]
        Tensor dt = be.slice(xDbl, 2, 0, r);
        Tensor b = be.slice(xDbl, 2, r, r + n);
        Tensor c = be.slice(xDbl, 2, r + n, r + 2 * n);
        Tensor delta = be.linear(dt, dtProj.weight(), null); // the bias goes in as delta_bias, before the softplus
        Tensor a = be.scale(be.exp(aLog), -1f);
        return be.selectiveScan(u, delta, a, b, c, d, z, dtProj.bias(), true);
    }
}
