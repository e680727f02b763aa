package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.OpShapes;

/**
 * The selective scan's backward (same formulas as the reference {@code ScanBackward}), parallel over tasks of
 * one batch entry x a run of {@link #GROUP} channels. Each task sums into its own partials: dB, dC over its
 * channels (for its batch entry's rows) and dA, dD, dDeltaBias over its batch entry (for its channels); these
 * are then added across channel runs and across batch entries, always in task order. The split depends only on
 * B and E, never on the thread count, so every run gives the same bits.
 *
 * <p>Within a task, whole vectors of channels go to {@link ScanBackwardBlocks}; the channels left over (E not a
 * multiple of the lanes) run here in scalar code: per channel the forward recurrence runs once more into the
 * task's buffers (the states h_t and the decays e^(dt_t a), L x N floats each), then time is walked backwards
 * carrying dL/dh. Everything accumulates in f32 (the scalar path's per-channel sums in double).
 */
final class SelectiveScanBackward {
    /** Channels per task: fixed, so the summation order of dB and dC does not depend on the machine's threads. */
    static final int GROUP = 64;

    /** The gradients as flat arrays; the optional ones are null when their operand was. */
    record Grads(float[] du, float[] dDelta, float[] dA, float[] dB, float[] dC, float[] dD, float[] dZ, float[] dDeltaBias) {}

    private SelectiveScanBackward() {}

    static Grads run(ScanOperands in, float[] dOut, OpShapes.ScanDims sd) {
        return run(in, dOut, sd, (long) sd.batch() * sd.l() * sd.e() * sd.n() * 16 > 200_000);
    }

    /** {@code parallel}: whether the tasks may run on the pool (the tests compare both ways bit for bit). */
    static Grads run(ScanOperands in, float[] dOut, OpShapes.ScanDims sd, boolean parallel) {
        float[] u = in.u(), delta = in.delta(), a = in.a(), bm = in.b(), cm = in.c(), d = in.d(), z = in.z(), db = in.deltaBias();
        boolean softplus = in.deltaSoftplus();
        int bsz = sd.batch(), l = sd.l(), e = sd.e(), n = sd.n();
        float[] du = new float[u.length], dDelta = new float[u.length], dz = z == null ? null : new float[u.length];
        int groups = (e + GROUP - 1) / GROUP, tasks = bsz * groups;
        Partial[] parts = new Partial[tasks];
        float[] at = new float[n * e]; // A as [N][E]: one state's decay rates for a block of channels in one load
        for (int ch = 0; ch < e; ch++) for (int s = 0; s < n; s++) at[s * e + ch] = a[ch * n + s];
        Parallel.forEach(tasks, parallel, task -> {
            int b = task / groups, c0 = task % groups * GROUP, c1 = Math.min(e, c0 + GROUP), lanes = ScanBackwardBlocks.LANES;
            int blocks = GROUP % lanes == 0 ? (c1 - c0) / lanes : 0, cs = c0 + blocks * lanes; // [cs, c1) in scalar code
            var p = new Partial(l * n, c1 - c0, n);
            if (blocks > 0) {
                var vb = ScanBackwardBlocks.forTask(c0, blocks, l, e, n);
                vb.batch(u, delta, at, bm, cm, d, z, db, softplus, dOut, b, du, dDelta, dz, p.dB, p.dC);
                vb.finish(p.dA, p.dD, p.dBias);
            }
            var ws = cs < c1 ? new Workspace(l, n) : null;
            for (int ch = cs; ch < c1; ch++) {
                double[] sums = new double[n + 2]; // dA[ch, 0..n-1], dD[ch], dDeltaBias[ch]
                forward(u, delta, a, bm, db, softplus, ws, b, ch, l, e, n);
                backward(u, delta, a, bm, cm, d, z, db, softplus, dOut, ws, b, ch, l, e, n, du, dDelta, dz, p.dB, p.dC, sums);
                for (int s = 0; s < n; s++) p.dA[(ch - c0) * n + s] = (float) sums[s];
                p.dD[ch - c0] = (float) sums[n];
                p.dBias[ch - c0] = (float) sums[n + 1];
            }
            parts[task] = p;
        });
        // dB, dC: each batch entry's rows summed over the channel groups; dA, dD, dDeltaBias: summed over the batch
        float[] dB = new float[bsz * l * n], dC = new float[bsz * l * n];
        float[] dA = new float[e * n], dD = d == null ? null : new float[e], dBias = db == null ? null : new float[e];
        Parallel.forRange(bsz * l * n, 1024, (long) bsz * l * n * groups, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int b = i / (l * n), r = i % (l * n);
                float sb = 0f, sc = 0f;
                for (int g = 0; g < groups; g++) {
                    sb += parts[b * groups + g].dB[r];
                    sc += parts[b * groups + g].dC[r];
                }
                dB[i] = sb;
                dC[i] = sc;
            }
        });
        for (int g = 0; g < groups; g++) {
            int c0 = g * GROUP, c1 = Math.min(e, c0 + GROUP);
            for (int b = 0; b < bsz; b++) {
                Partial p = parts[b * groups + g];
                for (int i = 0; i < (c1 - c0) * n; i++) dA[c0 * n + i] += p.dA[i];
                for (int i = 0; i < c1 - c0; i++) {
                    if (dD != null) dD[c0 + i] += p.dD[i];
                    if (dBias != null) dBias[c0 + i] += p.dBias[i];
                }
            }
        }
        return new Grads(du, dDelta, dA, dB, dC, dD, dz, dBias);
    }

    /**
     * One task's (batch entry, channel group) share of the sums: dB, dC of its batch entry's rows [L, N] over its
     * channels, and its channels' dA [channels, N], dD, dDeltaBias over its batch entry.
     */
    private static final class Partial {
        final float[] dB, dC, dA, dD, dBias;

        Partial(int rows, int channels, int n) {
            dB = new float[rows];
            dC = new float[rows];
            dA = new float[channels * n];
            dD = new float[channels];
            dBias = new float[channels];
        }
    }

    /** One task's scratch: dt per step, and per step and state the state h_t and the decay e^(dt_t a). */
    private static final class Workspace {
        final float[] dt, h, decay, carry;

        Workspace(int l, int n) {
            dt = new float[l];
            h = new float[l * n];
            decay = new float[l * n];
            carry = new float[n];
        }
    }

    private static float timeStep(float[] delta, float[] db, boolean softplus, int idx, int ch) {
        float raw = delta[idx] + (db == null ? 0f : db[ch]);
        return softplus ? VMath.softplus(raw) : raw;
    }

    /** The forward recurrence of channel ch in batch entry b, keeping every h_t and decay. */
    private static void forward(float[] u, float[] delta, float[] a, float[] bm, float[] db, boolean softplus,
                                Workspace ws, int b, int ch, int l, int e, int n) {
        for (int t = 0; t < l; t++) {
            int idx = (b * l + t) * e + ch, row = (b * l + t) * n, hp = (t - 1) * n, hc = t * n;
            float dt = timeStep(delta, db, softplus, idx, ch), dtu = dt * u[idx];
            ws.dt[t] = dt;
            for (int s = 0; s < n; s++) {
                float decay = (float) Math.exp(dt * a[ch * n + s]);
                ws.decay[hc + s] = decay;
                ws.h[hc + s] = (t == 0 ? 0f : decay * ws.h[hp + s]) + dtu * bm[row + s];
            }
        }
    }

    /** Time walked backwards for channel ch in batch entry b; dB, dC go to the task's partials pb, pc. */
    private static void backward(float[] u, float[] delta, float[] a, float[] bm, float[] cm, float[] d, float[] z,
                                 float[] db, boolean softplus, float[] dOut, Workspace ws, int b, int ch, int l, int e,
                                 int n, float[] du, float[] dDelta, float[] dz, float[] pb, float[] pc, double[] sums) {
        float[] carry = ws.carry, h = ws.h, decay = ws.decay;
        java.util.Arrays.fill(carry, 0f);
        for (int t = l - 1; t >= 0; t--) {
            int idx = (b * l + t) * e + ch, row = (b * l + t) * n, hc = t * n, hp = (t - 1) * n, local = t * n;
            float dy = dOut[idx], ut = u[idx], dt = ws.dt[t], dtu = dt * ut;
            if (z != null) {
                float y = d == null ? 0f : d[ch] * ut;
                for (int s = 0; s < n; s++) y += cm[row + s] * h[hc + s];
                float zt = z[idx], sig = (float) (1 / (1 + Math.exp(-zt)));
                dz[idx] = dy * y * sig * (1 + zt * (1 - sig));
                dy *= zt * sig;
            }
            float duAcc = 0f;
            if (d != null) {
                sums[n] += (double) dy * ut;
                duAcc = dy * d[ch];
            }
            float ddt = 0f, sumB = 0f;
            for (int s = 0; s < n; s++) {
                float hPrev = t == 0 ? 0f : h[hp + s], dec = decay[hc + s], as = a[ch * n + s], bs = bm[row + s];
                pc[local + s] += dy * h[hc + s];
                float dh = carry[s] + dy * cm[row + s];
                float dhDecayPrev = dh * dec * hPrev;
                ddt += as * dhDecayPrev + dh * bs * ut;
                sums[s] += (double) dhDecayPrev * dt;
                pb[local + s] += dh * dtu;
                sumB += dh * bs;
                carry[s] = dh * dec;
            }
            du[idx] = duAcc + dt * sumB;
            if (softplus) {
                float raw = delta[idx] + (db == null ? 0f : db[ch]);
                if (raw <= 20f) ddt *= (float) (1 / (1 + Math.exp(-raw)));
            }
            dDelta[idx] = ddt;
            sums[n + 1] += ddt;
        }
    }
}
