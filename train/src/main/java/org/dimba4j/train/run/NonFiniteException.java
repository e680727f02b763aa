package org.dimba4j.train.run;

/** A loss or gradient that is NaN or infinite: the run stops before the update, naming the first bad tensor. */
public final class NonFiniteException extends IllegalStateException {
    private final String tensor;

    public NonFiniteException(String tensor, int step, String detail) {
        super("step " + step + ": " + tensor + " is not finite (" + detail + "); stopped before the update, the last "
                + "checkpoint is untouched (lower the learning rate, or set a max grad norm, and resume)");
        this.tensor = tensor;
    }

    /** The name of the first tensor that went bad ({@code loss} or {@code grad.<parameter>}). */
    public String tensor() {
        return tensor;
    }
}
