package org.dimba4j.train.data.shapes;

/**
 * What a caption says about one noun phrase: "two small blue squares" is count 2, blue, square, small.
 *
 * @param count  1..4 objects, all alike
 * @param colour their colour
 * @param shape  their shape
 * @param size   their size, or null when the caption does not say (the renderer then picks one for the group)
 */
public record ObjectGroup(int count, ShapeColour colour, ShapeKind shape, ObjectSize size) {
    public static final int MAX_COUNT = 4;

    public ObjectGroup {
        if (count < 1 || count > MAX_COUNT) throw new IllegalArgumentException("group count must be 1.." + MAX_COUNT + ", got " + count);
        if (colour == null || shape == null) throw new IllegalArgumentException("a group needs a colour and a shape");
    }

    /** The same group with its size said: the size a render actually used. */
    public ObjectGroup withSize(ObjectSize s) {
        return new ObjectGroup(count, colour, shape, s);
    }
}
