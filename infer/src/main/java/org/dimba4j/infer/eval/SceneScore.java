package org.dimba4j.infer.eval;

/**
 * How one image fares against the scene its prompt asks for (each a yes or no, in the spirit of T2I-CompBench):
 *
 * @param colour  every group's colour is on some object
 * @param shape   every group's shape is drawn (in any colour)
 * @param binding every group's colour is on an object of its shape ("is there a red circle?")
 * @param count   every group has exactly its number of objects of its colour and shape, and nothing else is drawn
 * @param size    every group whose size the prompt says has its objects (of its colour and shape) in that size
 * @param spatial for a spatial prompt: both groups are found and their centroids stand as said, more along the
 *                relation's axis than across it; null for other prompts (they are not in its denominator)
 */
public record SceneScore(boolean colour, boolean shape, boolean binding, boolean count, boolean size, Boolean spatial) {

    /** Everything the prompt says holds: count (which implies colour, shape, binding), size, and the relation. */
    public boolean allCorrect() {
        return colour && shape && binding && count && size && (spatial == null || spatial);
    }
}
