package org.dimba4j.serve;

/** The job queue holds its maximum: HTTP 429 with a Retry-After estimated from the work ahead. */
public final class QueueFullException extends RuntimeException {
    private final long retryAfterSeconds;

    public QueueFullException(int capacity, long retryAfterSeconds) {
        super("the queue is full (" + capacity + " jobs waiting); retry in about " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
