package org.dimba4j.train.data.shapes;

/** Example {@code index} of a shapes dataset: the laid-out scene and its caption. */
public record ShapesExample(long index, Scene scene, String caption) {}
