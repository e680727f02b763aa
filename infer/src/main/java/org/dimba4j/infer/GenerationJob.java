package org.dimba4j.infer;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A queued or running request of a {@link DimbaPipeline}. {@link #cancel} never interrupts the device thread (an
 * interrupt would close the memory-mapped checkpoint's channels); it sets the request's {@link CancellationToken},
 * which the sampler checks before each model evaluation: a queued job never starts, a running one stops within one
 * step and {@link #get} throws {@link CancellationException}.
 */
public final class GenerationJob implements Future<GenerationResult> {
    private final GenerationRequest request;
    private final CancellationToken token;
    private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();

    GenerationJob(GenerationRequest request, CancellationToken token) {
        this.request = request;
        this.token = token;
    }

    /** The request as it will run (its size resolved). */
    public GenerationRequest request() {
        return request;
    }

    CancellationToken token() {
        return token;
    }

    /** Completes when the job does; cancelling the view does not cancel the job (use {@link #cancel}). */
    public CompletableFuture<GenerationResult> future() {
        return result.copy();
    }

    void complete(GenerationResult r) {
        result.complete(r);
    }

    void fail(Throwable t) {
        if (t instanceof CancellationException ce) result.cancel(false);
        else result.completeExceptionally(t);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        token.cancel();
        return result.cancel(false);
    }

    @Override
    public boolean isCancelled() {
        return result.isCancelled();
    }

    @Override
    public boolean isDone() {
        return result.isDone();
    }

    @Override
    public GenerationResult get() throws InterruptedException, ExecutionException {
        return result.get();
    }

    @Override
    public GenerationResult get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return result.get(timeout, unit);
    }
}
