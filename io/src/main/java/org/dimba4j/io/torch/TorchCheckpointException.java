package org.dimba4j.io.torch;

import org.dimba4j.io.CheckpointException;

/**
 * A PyTorch checkpoint that cannot be read safely: a damaged zip archive, a malformed pickle, a storage that does not
 * match the tensors viewing it, or a pickle that names a global outside the allowlist (the message names it). The
 * reader throws only this for bad content.
 */
public class TorchCheckpointException extends CheckpointException {
    public TorchCheckpointException(String message) {
        super(message);
    }
}
