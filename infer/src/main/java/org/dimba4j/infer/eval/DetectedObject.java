package org.dimba4j.infer.eval;

import org.dimba4j.train.data.shapes.ObjectSize;
import org.dimba4j.train.data.shapes.ShapeColour;
import org.dimba4j.train.data.shapes.ShapeKind;

/**
 * One object the detector found, positions relative to the image side (0..1, y down).
 *
 * @param cx     bounding-box centre x (the layout places bounding-box centres, so relations compare these)
 * @param cy     bounding-box centre y
 * @param extent the bounding box's longer side
 * @param area   pixels in the component
 * @param fill   area / bounding-box area: about 1 for squares, pi/4 for circles, 1/2 for triangles
 */
public record DetectedObject(ShapeColour colour, ShapeKind shape, ObjectSize size, double cx, double cy, double extent,
                             int area, double fill) {}
