package org.dimba4j.infer;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.random.TorchGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The guidance wrappers around the tiny reference Dimba (random non-zero weights). */
class ClassifierFreeGuidanceTest {
    private static final Path TINY = Path.of("../models/tiny-reference/transformer");
    private static Backend be;
    private static Dimba dimba;
    private static Tensor x, cond, uncond, condMask, uncondMask;

    @BeforeAll
    static void load() {
        be = Backends.cpu();
        dimba = Dimba.load(TINY, be);
        TorchGenerator g = new TorchGenerator(5);
        x = g.randn(2, 4, 8, 8);
        int len = dimba.config().modelMaxLength();
        cond = g.randn(2, 1, len, dimba.config().captionChannels());
        uncond = g.randn(2, 1, len, dimba.config().captionChannels());
        long[] m = new long[2 * len];
        for (int i = 0; i < 5; i++) m[i] = 1;
        for (int i = 0; i < 9; i++) m[len + i] = 1;
        condMask = Tensor.ofLongs(m, 2, len);
        long[] u = new long[2 * len];
        u[0] = 1;
        u[len] = 1;
        uncondMask = Tensor.ofLongs(u, 2, len);
    }

    @AfterAll
    static void close() {
        dimba.close();
    }

    private static float[] forward(Tensor y, Tensor mask, float t) {
        return be.download(dimba.forward(x, Tensor.of(new float[] {t}, 1), y, mask)).floats();
    }

    @Test
    void dpmSolverFormGuidesAllEpsilonChannels() {
        List<Integer> batches = new ArrayList<>();
        ClassifierFreeGuidance cfg = new ClassifierFreeGuidance((xx, t, y, m) -> {
            batches.add(xx.dim(0));
            return dimba.forward(xx, t, y, m);
        }, be, ClassifierFreeGuidance.Form.DPM_SOLVER, 4.5, 4, cond, condMask, uncond, uncondMask);
        Tensor out = cfg.predict(x, 949.05f);
        assertArrayEquals(new int[] {2, 4, 8, 8}, out.shape());
        assertEquals(List.of(4), batches, "one batched pass of [uncond; cond]");
        float[] c = forward(cond, condMask, 949.05f);
        float[] u = forward(uncond, uncondMask, 949.05f);
        float[] got = out.floats();
        int plane = 64;
        for (int b = 0; b < 2; b++) {
            for (int ch = 0; ch < 4; ch++) {
                for (int p = 0; p < plane; p++) {
                    int src = (b * 8 + ch) * plane + p;
                    float want = u[src] + 4.5f * (c[src] - u[src]);
                    assertEquals(want, got[(b * 4 + ch) * plane + p], 1e-4f * Math.max(1f, Math.abs(want)));
                }
            }
        }
    }

    @Test
    void guidanceOneRunsOnlyTheConditionalPass() {
        List<Integer> batches = new ArrayList<>();
        ClassifierFreeGuidance cfg = new ClassifierFreeGuidance((xx, t, y, m) -> {
            batches.add(xx.dim(0));
            return dimba.forward(xx, t, y, m);
        }, be, ClassifierFreeGuidance.Form.DPM_SOLVER, 1.0, 4, cond, condMask, uncond, uncondMask);
        float[] got = cfg.predict(x, 500f).floats();
        assertEquals(List.of(2), batches);
        float[] c = forward(cond, condMask, 500f);
        // the same pass on the same batch, so the same bits (the CPU kernels are identical cold and JIT-compiled)
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 4 * 64; i++) assertEquals(c[b * 8 * 64 + i], got[b * 4 * 64 + i], "batch " + b + " element " + i);
        }
    }

    @Test
    void iddpmFormGuidesThreeChannelsAndKeepsTheConditionalRest() {
        ClassifierFreeGuidance cfg = new ClassifierFreeGuidance(dimba::forward, be, ClassifierFreeGuidance.Form.IDDPM,
                3.0, 4, cond, condMask, uncond, uncondMask);
        float[] got = cfg.predict(x, 100f).floats();
        assertEquals(2 * 8 * 64, got.length);
        float[] c = forward(cond, condMask, 100f);
        float[] u = forward(uncond, uncondMask, 100f);
        for (int b = 0; b < 2; b++) {
            for (int ch = 0; ch < 8; ch++) {
                for (int p = 0; p < 64; p++) {
                    int i = (b * 8 + ch) * 64 + p;
                    float want = ch < 3 ? u[i] + 3f * (c[i] - u[i]) : c[i];
                    assertEquals(want, got[i], 1e-4f * Math.max(1f, Math.abs(want)), "batch " + b + " channel " + ch);
                }
            }
        }
    }
}
