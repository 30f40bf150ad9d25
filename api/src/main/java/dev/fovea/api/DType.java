package dev.fovea.api;

/** Element type of a tensor or device buffer. */
public enum DType {
    /** 32-bit IEEE 754 float: the default for training. */
    FLOAT32(4, "F32"),
    /** 64-bit IEEE 754 float: used by gradient checks and where precision matters. */
    FLOAT64(8, "F64"),
    /** 32-bit signed integer: class labels and the indices {@code argmax} returns. */
    INT32(4, "I32");

    private final int byteSize;
    private final String safetensorsName;

    DType(int byteSize, String safetensorsName) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
    }

    /** Bytes one element occupies. */
    public int byteSize() {
        return byteSize;
    }

    /** True for FLOAT32 and FLOAT64, the types arithmetic and gradients are defined on. */
    public boolean isFloatingPoint() {
        return this != INT32;
    }

    /** The dtype's name in the safetensors format ("F32", "F64", "I32"). */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** The dtype whose safetensors name is {@code name}, or an exception naming the accepted ones. */
    public static DType fromSafetensorsName(String name) {
        for (DType type : values()) {
            if (type.safetensorsName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException(
                "unsupported safetensors dtype '" + name + "'; Fovea reads F32, F64 and I32");
    }
}
