package org.dimba4j.train.data.shapes;

/**
 * One drawn object, in coordinates relative to the image side (0..1, y down), so one scene renders at any size.
 *
 * @param group  index of the spec group it belongs to
 * @param cx     centre x
 * @param cy     centre y
 * @param extent the longer side of its bounding box
 */
public record PlacedObject(int group, ShapeKind shape, ShapeColour colour, ObjectSize size, double cx, double cy, double extent) {

    /** Half the extent: every shape lies inside the square [cx - r, cx + r] x [cy - r, cy + r]. */
    public double halfExtent() {
        return extent / 2;
    }
}
