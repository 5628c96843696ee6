package dev.aha.runtime.policy.hf;

/**
 * The element types a safetensors header may name, with their sizes. Knowing every size (not only the float types
 * Aha reads) lets the header check byte counts of all tensors, so an integer buffer stored beside the weights does not
 * make an otherwise sound file look corrupt.
 */
public enum SafetensorsDType {
    F64(8), F32(4), F16(2), BF16(2), F8_E4M3(1), F8_E5M2(1),
    I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1);

    private final int bytes;

    SafetensorsDType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** True for the types Aha converts to float32 on load. */
    public boolean readableAsFloat32() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The type named {@code name} in a header, or null if the name is not a safetensors type. */
    static SafetensorsDType byName(String name) {
        for (SafetensorsDType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** transformers' {@code torch_dtype} spelling of the float types Aha writes. */
    public String torchName() {
        return switch (this) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> throw new IllegalStateException(this + " is not a weight type Aha writes");
        };
    }
}
