package dev.aha.runtime.policy.gguf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key-value section of a GGUF file, in the order written, with the value types llama.cpp's gguf-py gives each
 * key ({@code GGUFWriter.add_uint32} for sizes and ids, {@code add_float32} for epsilons and bases, arrays of INT32
 * for token types). Putting a key again replaces its value in place.
 */
public final class GgufMetadata {

    /** GGUF's value type ids ({@code enum gguf_type}). */
    public static final int UINT32 = 4;
    public static final int INT32 = 5;
    public static final int FLOAT32 = 6;
    public static final int BOOL = 7;
    public static final int STRING = 8;
    public static final int ARRAY = 9;

    /**
     * One key's value.
     *
     * @param type one of the type ids above
     * @param itemType for {@link #ARRAY}: the items' type ({@link #STRING} or {@link #INT32}); else -1
     * @param value Integer, Float, Boolean, String, {@code List<String>} or {@code int[]}
     */
    public record Value(int type, int itemType, Object value) {}

    private final Map<String, Value> entries = new LinkedHashMap<>();

    public GgufMetadata putString(String key, String value) {
        return put(key, new Value(STRING, -1, value));
    }

    /** An unsigned 32-bit value: sizes, counts, token ids. */
    public GgufMetadata putUint32(String key, long value) {
        if (value < 0 || value > 0xffffffffL) {
            throw new IllegalArgumentException(key + " = " + value + " does not fit an unsigned 32-bit value");
        }
        return put(key, new Value(UINT32, -1, (int) value));
    }

    public GgufMetadata putFloat32(String key, double value) {
        return put(key, new Value(FLOAT32, -1, (float) value));
    }

    public GgufMetadata putBool(String key, boolean value) {
        return put(key, new Value(BOOL, -1, value));
    }

    public GgufMetadata putStrings(String key, List<String> values) {
        return put(key, new Value(ARRAY, STRING, List.copyOf(values)));
    }

    public GgufMetadata putInt32s(String key, int[] values) {
        return put(key, new Value(ARRAY, INT32, values.clone()));
    }

    private GgufMetadata put(String key, Value value) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a GGUF key must not be empty");
        }
        entries.put(key, value);
        return this;
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public Value get(String key) {
        return entries.get(key);
    }

    public int size() {
        return entries.size();
    }

    /** The keys in the order they are written. */
    public List<String> keys() {
        return new ArrayList<>(entries.keySet());
    }
}
