package org.dimba4j.train.optim;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * The optimizers' one crossing between tensors and host arrays: a host f32 tensor is read in place, any other is
 * downloaded once; results are wrapped (host) or uploaded once (device), so a step costs one transfer each way.
 */
final class HostTensors {
    private HostTensors() {}

    /** The elements of {@code t} as f32; the array must not be written (it may be {@code t}'s own). */
    static float[] read(Backend be, Tensor t) {
        if (t.isHostF32Array()) return t.floats();
        if (t.isHost()) return t.toFloatArray();
        if (be == null) throw new IllegalArgumentException("tensor " + t + " is not on the host and the optimizer has no backend");
        return be.download(t).floats();
    }

    /** A tensor holding {@code data} on the backend of {@code like} (host when {@code like} is host). */
    static Tensor write(Backend be, Tensor like, float[] data) {
        Tensor host = Tensor.of(data, like.shape());
        return like.isHost() || be == null ? host : be.upload(host);
    }

    static void checkShapes(String optimizer, String name, Tensor param, Tensor grad) {
        if (!java.util.Arrays.equals(param.shape(), grad.shape())) {
            throw new IllegalArgumentException(optimizer + ": gradient of " + name + " is " + grad + ", the parameter " + param);
        }
    }
}
