package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * How {@link Dimba#forward} runs each of its blocks (a DimbaBlock with the Mamba layer after it, if any): directly, or,
 * in training, under gradient checkpointing (recomputed in the backward instead of keeping its activations).
 */
@FunctionalInterface
public interface BlockRunner {
    /** One block: its outputs from its inputs, on the backend given. */
    @FunctionalInterface
    interface Block {
        Tensor[] apply(Backend be, Tensor[] inputs);
    }

    /** Returns {@code block}'s outputs for {@code inputs} (which may hold nulls), computed on {@code be} or as it sees fit. */
    Tensor[] run(String name, Backend be, Block block, Tensor... inputs);

    /** Calls the block on the model's backend. */
    BlockRunner DIRECT = (name, be, block, inputs) -> block.apply(be, inputs);
}
