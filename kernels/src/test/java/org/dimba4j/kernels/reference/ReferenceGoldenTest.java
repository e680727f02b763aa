package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The oracle checked by hand: values computed independently (PyTorch / closed forms), so a wrong reference
 * cannot make the parity tests pass by agreeing with a wrong fast kernel.
 */
class ReferenceGoldenTest {
    private final ReferenceBackend ref = new ReferenceBackend();

    @Test
    void softmaxKnownValues() {
        // torch.softmax(torch.tensor([1., 2., 3.]), 0) = [0.09003057, 0.24472847, 0.66524096]
        float[] got = ref.softmax(Tensor.of(new float[] {1, 2, 3, 1000, 1000, 1000}, 2, 3)).toFloatArray();
        assertArrayEquals(new float[] {0.09003057f, 0.24472847f, 0.66524096f, 1 / 3f, 1 / 3f, 1 / 3f}, got, 1e-7f);
    }

    @Test
    void activationsKnownValues() {
        Tensor x = Tensor.of(new float[] {-3f, -1f, 0f, 0.5f, 2f}, 5);
        // torch.nn.functional.gelu(x), approximate='none' and 'tanh'; silu; softplus
        assertArrayEquals(new float[] {-0.00404969f, -0.15865529f, 0f, 0.34573123f, 1.95449972f}, ref.geluErf(x).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {-0.00363752f, -0.15880801f, 0f, 0.34571401f, 1.95459769f}, ref.geluTanh(x).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {-0.14227763f, -0.26894142f, 0f, 0.31122968f, 1.76159416f}, ref.silu(x).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.04858735f, 0.31326169f, 0.69314718f, 0.97407699f, 2.12692801f}, ref.softplus(x).toFloatArray(), 1e-6f);
        assertEquals(30f, ref.softplus(Tensor.of(new float[] {30f}, 1)).getFlat(0), "softplus threshold 20 returns x");
    }

    @Test
    void matmulAndLinearByHand() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), b = Tensor.of(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
        assertArrayEquals(new float[] {58, 64, 139, 154}, ref.matmul(a, b, false, false).toFloatArray());
        assertArrayEquals(new float[] {58, 139, 64, 154}, ref.matmul(b, a, true, true).toFloatArray());
        Tensor w = Tensor.of(new float[] {1, 0, -1, 2, 2, 2}, 2, 3), bias = Tensor.of(new float[] {0.5f, -1}, 2);
        assertArrayEquals(new float[] {-1.5f, 11, -1.5f, 29}, ref.linear(a, w, bias).toFloatArray());
    }

    @Test
    void normsByHand() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4);
        // mean 2.5, var 1.25: (x - 2.5) / sqrt(1.25)
        float s = (float) (1 / Math.sqrt(1.25));
        assertArrayEquals(new float[] {-1.5f * s, -0.5f * s, 0.5f * s, 1.5f * s}, ref.layerNorm(x, null, null, 0f).toFloatArray(), 1e-6f);
        float rms = (float) Math.sqrt(7.5);
        assertArrayEquals(new float[] {1 / rms, 2 / rms, 3 / rms, 4 / rms}, ref.rmsNorm(x, null, 0f).toFloatArray(), 1e-6f);
    }

    @Test
    void attentionWithOneKeyIsThatValue() {
        Tensor q = Tensor.of(new float[] {1, 2}, 1, 1, 2), k = Tensor.of(new float[] {3, 4, -3, -4}, 1, 2, 2);
        Tensor v = Tensor.of(new float[] {5, 6, 7, 8}, 1, 2, 2);
        Tensor onlyFirst = Tensor.ofLongs(new long[] {1, 0}, 1, 2);
        assertArrayEquals(new float[] {5, 6}, ref.attention(q, k, v, 1, 1f, onlyFirst, null).toFloatArray(), 1e-6f);
        // two keys, scores 11 and -11: weights e^22/(1+e^22) and 1/(1+e^22)
        double w0 = 1 / (1 + Math.exp(-22));
        assertArrayEquals(new float[] {(float) (5 * w0 + 7 * (1 - w0)), (float) (6 * w0 + 8 * (1 - w0))},
                ref.attention(q, k, v, 1, 1f, null, null).toFloatArray(), 1e-5f);
    }

    @Test
    void selectiveScanByHand() {
        // one channel, one state: h1 = dt*b1*u1; h2 = exp(dt a) h1 + dt b2 u2; y = c h + d u
        float dt = 0.5f, a = -1f, d = 2f;
        Tensor u = Tensor.of(new float[] {1, 2}, 1, 2, 1), delta = Tensor.of(new float[] {dt, dt}, 1, 2, 1);
        Tensor b = Tensor.of(new float[] {3, 4}, 1, 2, 1), c = Tensor.of(new float[] {5, 6}, 1, 2, 1);
        double h1 = dt * 3 * 1, h2 = Math.exp(dt * a) * h1 + dt * 4 * 2;
        float[] y = ref.selectiveScan(u, delta, Tensor.of(new float[] {a}, 1, 1), b, c, Tensor.of(new float[] {d}, 1), null, null, false).toFloatArray();
        assertArrayEquals(new float[] {(float) (5 * h1 + d * 1), (float) (6 * h2 + d * 2)}, y, 1e-5f);
    }

    @Test
    void conv2dByHand() {
        // 3x3 ones kernel, padding 1 over a 2x2 of ones: each output sees all four inputs
        Tensor x = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2), w = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 1, 3, 3);
        assertArrayEquals(new float[] {4, 4, 4, 4}, ref.conv2d(x, w, null, 1, 1, 1, 1, 1).toFloatArray());
        Tensor w1 = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        Tensor x1 = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        assertArrayEquals(new float[] {12, 16, 24, 28}, ref.conv2d(x1, w1, null, 1, 1, 0, 0, 1).toFloatArray());
    }
}
