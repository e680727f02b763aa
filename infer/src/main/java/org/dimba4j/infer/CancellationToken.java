package org.dimba4j.infer;

import java.util.concurrent.CancellationException;

/**
 * Asks a running generation to stop. The pipeline checks it before each denoiser evaluation and between sampler
 * steps, then throws {@link CancellationException}: a cancelled request stops within one model evaluation and
 * leaves the model usable for the next one. Safe to cancel from any thread, any number of times.
 */
public final class CancellationToken {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Throws {@link CancellationException} once {@link #cancel} was called. */
    public void throwIfCancelled() {
        if (cancelled) throw new CancellationException("generation cancelled");
    }
}
