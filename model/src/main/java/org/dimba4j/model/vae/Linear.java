package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/** nn.Linear with bias; the first present of {@code names} is used (diffusers name first, then older ones). */
record Linear(Tensor weight, Tensor bias) {

    static Linear load(VaeWeights w, String prefix, int in, int out, String... names) {
        String[] weights = new String[names.length], biases = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            weights[i] = prefix + "." + names[i] + ".weight";
            biases[i] = prefix + "." + names[i] + ".bias";
        }
        return new Linear(w.get(weights, out, in), w.get(biases, out));
    }

    Tensor forward(Backend b, Tensor x) {
        return b.linear(x, weight, bias);
    }
}
