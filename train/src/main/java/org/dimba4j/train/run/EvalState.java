package org.dimba4j.train.run;

/**
 * The quality-tune bookkeeping a checkpoint stores so that a resumed run keeps the same best checkpoint and stops at
 * the same step: the best eval loss so far, its step, and how many evals since have not improved on it.
 *
 * @param bestStep   the step of the lowest eval loss (0: no eval yet)
 * @param bestLoss   that loss ({@code +Infinity} before the first eval)
 * @param sinceBest  evals since the best one
 */
public record EvalState(int bestStep, double bestLoss, int sinceBest) {
    public static final EvalState NONE = new EvalState(0, Double.POSITIVE_INFINITY, 0);

    /** After an eval at {@code step} with mean loss {@code loss}: a strictly lower loss is the new best. */
    public EvalState after(int step, double loss) {
        return loss < bestLoss ? new EvalState(step, loss, 0) : new EvalState(bestStep, bestLoss, sinceBest + 1);
    }

    /** Whether {@code patience} evals in a row failed to improve (patience 0: never stops). */
    public boolean exhausted(int patience) {
        return patience > 0 && sinceBest >= patience;
    }
}
