package org.dimba4j.io;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Shape;

/** What a checkpoint says about one tensor before its data is touched: element type and shape. */
public record TensorInfo(DType dtype, int[] shape) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public long numel() {
        return Shape.numel(shape);
    }

    public long byteSize() {
        return numel() * dtype.byteSize();
    }
}
