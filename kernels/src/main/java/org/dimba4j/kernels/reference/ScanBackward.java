package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.ScanGrads;

import static org.dimba4j.kernels.reference.ReferenceBackend.out;

/**
 * The selective scan's backward in plain loops, the gradients torch autograd gives through mamba_ssm's
 * selective_scan_ref. Per (batch, channel) the forward runs once more keeping every state h_t (L x N doubles,
 * small at reference sizes), then time is walked backwards carrying dL/dh:
 * <pre>
 *   dy_t   = dout_t silu(z_t)                       dz_t = dout_t y_t silu'(z_t)
 *   dh_t   = dy_t C_t + e^(dt_{t+1} a) dh_{t+1}     (the carry into step t)
 *   ddt_t  = sum_s dh_t[s] (a_s e^(dt_t a_s) h_{t-1}[s] + B_t[s] u_t)
 *   dA     += dh_t dt_t e^(dt_t a) h_{t-1};   dB_t += dh_t dt_t u_t;   dC_t += dy_t h_t
 *   du_t   = dy_t D + dt_t sum_s dh_t[s] B_t[s];  dD += dy_t u_t
 *   dDelta = ddt sigmoid(delta + bias) under softplus (1 above its threshold 20), dDeltaBias = sum of dDelta
 * </pre>
 * Everything accumulates in double and is rounded to f32 once at the end.
 */
final class ScanBackward {
    private ScanBackward() {}

    static ScanGrads of(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z, Tensor deltaBias,
                        boolean deltaSoftplus, Tensor dOut) {
        OpShapes.ScanDims sd = OpShapes.selectiveScanBackward(u, delta, a, b, c, d, z, deltaBias, dOut);
        int bsz = sd.batch(), l = sd.l(), e = sd.e(), n = sd.n();
        float[] us = ReferenceBackend.f(u), dl = ReferenceBackend.f(delta), as = ReferenceBackend.f(a);
        float[] bs = ReferenceBackend.f(b), cs = ReferenceBackend.f(c), dy = ReferenceBackend.f(dOut);
        float[] ds = d == null ? null : ReferenceBackend.f(d), zs = z == null ? null : ReferenceBackend.f(z);
        float[] db = deltaBias == null ? null : ReferenceBackend.f(deltaBias);

        double[] du = new double[us.length], dDelta = new double[us.length], dz = zs == null ? null : new double[us.length];
        double[] dA = new double[e * n], dB = new double[bs.length], dC = new double[cs.length];
        double[] dD = ds == null ? null : new double[e], dBias = db == null ? null : new double[e];
        double[] h = new double[(l + 1) * n]; // h[(t + 1) n + s] = state after step t; row 0 is h_{-1} = 0
        double[] dt = new double[l], carry = new double[n];
        for (int bb = 0; bb < bsz; bb++) {
            for (int ch = 0; ch < e; ch++) {
                // forward, keeping the states
                for (int t = 0; t < l; t++) {
                    int idx = (bb * l + t) * e + ch;
                    double raw = dl[idx] + (db == null ? 0 : db[ch]);
                    dt[t] = deltaSoftplus && raw <= 20 ? Math.log1p(Math.exp(raw)) : raw;
                    for (int s = 0; s < n; s++) {
                        h[(t + 1) * n + s] = Math.exp(dt[t] * as[ch * n + s]) * h[t * n + s]
                                + dt[t] * bs[(bb * l + t) * n + s] * us[idx];
                    }
                }
                // backward
                java.util.Arrays.fill(carry, 0);
                for (int t = l - 1; t >= 0; t--) {
                    int idx = (bb * l + t) * e + ch, row = (bb * l + t) * n;
                    double dyt = dy[idx];
                    if (zs != null) {
                        double zt = zs[idx], sig = 1 / (1 + Math.exp(-zt));
                        double y = (ds == null ? 0 : ds[ch] * us[idx]);
                        for (int s = 0; s < n; s++) y += cs[row + s] * h[(t + 1) * n + s];
                        dz[idx] = dyt * y * sig * (1 + zt * (1 - sig));
                        dyt *= zt * sig;
                    }
                    if (ds != null) {
                        dD[ch] += dyt * us[idx];
                        du[idx] += dyt * ds[ch];
                    }
                    double ddt = 0;
                    for (int s = 0; s < n; s++) {
                        double as_ = as[ch * n + s], decay = Math.exp(dt[t] * as_), hPrev = h[t * n + s];
                        dC[row + s] += dyt * h[(t + 1) * n + s];
                        double dh = carry[s] + dyt * cs[row + s];
                        ddt += dh * (as_ * decay * hPrev + bs[row + s] * us[idx]);
                        dA[ch * n + s] += dh * dt[t] * decay * hPrev;
                        dB[row + s] += dh * dt[t] * us[idx];
                        du[idx] += dh * dt[t] * bs[row + s];
                        carry[s] = dh * decay;
                    }
                    if (deltaSoftplus) {
                        double raw = dl[idx] + (db == null ? 0 : db[ch]);
                        if (raw <= 20) ddt *= 1 / (1 + Math.exp(-raw));
                    }
                    dDelta[idx] = ddt;
                    if (dBias != null) dBias[ch] += ddt;
                }
            }
        }
        return new ScanGrads(out(du, u.shape()), out(dDelta, u.shape()), out(dA, a.shape()), out(dB, b.shape()),
                out(dC, c.shape()), dD == null ? null : out(dD, d.shape()), dz == null ? null : out(dz, u.shape()),
                dBias == null ? null : out(dBias, deltaBias.shape()));
    }
}
