package dev.aha.runtime.policy.gguf;

import java.util.Locale;

/**
 * The tensor element types a GGUF file written by Aha may hold, with ggml's type ids ({@code enum ggml_type}),
 * their block sizes and the {@code general.file_type} ({@code enum llama_ftype}) of a file written in each.
 * Q8_0 stores blocks of 32 values as one float16 scale and 32 signed bytes.
 */
public enum GgmlType {
    F32(0, 1, 4, 0),
    F16(1, 1, 2, 1),
    Q8_0(8, 32, 34, 7),
    BF16(30, 1, 2, 32);

    private final int id;
    private final int blockSize;
    private final int blockBytes;
    private final int fileType;

    GgmlType(int id, int blockSize, int blockBytes, int fileType) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.fileType = fileType;
    }

    /** ggml's id, written in each tensor's info. */
    public int id() {
        return id;
    }

    /** Values per block: 1, or 32 for Q8_0. A row's length must be a multiple of it. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes that {@code elements} values take (a multiple of {@link #blockSize()}). */
    public long byteCount(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(this + " stores blocks of " + blockSize + " values, not " + elements);
        }
        return elements / blockSize * blockBytes;
    }

    /** llama.cpp's {@code general.file_type} of a file whose matrices are of this type. */
    public int fileType() {
        return fileType;
    }

    /** The lower-case name {@code aha export --dtype} takes: f32, f16, bf16, q8_0. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named {@code name} (f32, f16, bf16, q8_0; any case); one clear line for anything else. */
    public static GgmlType parse(String name) {
        for (GgmlType t : values()) {
            if (t.optionName().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("GGUF tensor type must be f32, f16, bf16 or q8_0, was '" + name + "'");
    }
}
