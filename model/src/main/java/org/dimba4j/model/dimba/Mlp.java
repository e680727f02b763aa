package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.nn.Linear;

/** timm's {@code Mlp} as PixArt uses it (block MLP and caption projection): fc1 -> GELU(tanh) -> fc2. */
record Mlp(Linear fc1, Linear fc2) {

    Tensor forward(Backend be, Tensor x) {
        return fc2.forward(be, be.geluTanh(fc1.forward(be, x)));
    }
}
