package org.dimba4j.kernels;

/** Element types found in checkpoints. Compute is always f32; the others are storage formats. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** The safetensors spelling ("F32", "BF16", "BOOL", ...). */
    public String safetensorsName() {
        return name();
    }

    public static DType fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) return d;
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "'");
    }
}
