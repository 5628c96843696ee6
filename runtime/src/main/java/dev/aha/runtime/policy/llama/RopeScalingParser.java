package dev.aha.runtime.policy.llama;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a config.json's RoPE scaling as transformers does: {@code rope_scaling} (transformers 4, which names the type
 * {@code rope_type} or, in older files, {@code type}) or {@code rope_parameters} (transformers 5, which also holds
 * {@code rope_theta}). Defaults are transformers' ({@code _compute_*_parameters} in modeling_rope_utils.py); a type
 * Aha does not implement, a key none of these types reads, a missing required key or a value that would make the
 * frequencies meaningless is refused in one line naming the key.
 */
final class RopeScalingParser {

    static final String IMPLEMENTED = "Aha implements rope_type default, linear, llama3 and yarn";

    private static final Set<String> COMMON = Set.of("rope_type", "type", "rope_theta", "partial_rotary_factor");
    private static final Set<String> LINEAR = Set.of("factor");
    private static final Set<String> LLAMA3 = Set.of("factor", "low_freq_factor", "high_freq_factor",
            "original_max_position_embeddings");
    private static final Set<String> YARN = Set.of("factor", "original_max_position_embeddings", "beta_fast",
            "beta_slow", "attention_factor", "mscale", "mscale_all_dim", "truncate");

    private final JsonNode config;
    private final int maxPositionEmbeddings;

    private RopeScalingParser(JsonNode config, int maxPositionEmbeddings) {
        this.config = config;
        this.maxPositionEmbeddings = maxPositionEmbeddings;
    }

    /**
     * The scaling {@code config} describes, or null for plain RoPE.
     *
     * @param maxPositionEmbeddings the config's (or its class default), yarn's fallback original context
     */
    static RopeScaling parse(JsonNode config, int maxPositionEmbeddings) {
        RopeScalingParser parser = new RopeScalingParser(config, maxPositionEmbeddings);
        JsonNode scaling = config.get("rope_scaling");
        JsonNode parameters = config.get("rope_parameters");
        RopeScaling fromScaling = parser.block("rope_scaling", scaling);
        RopeScaling fromParameters = parser.block("rope_parameters", parameters);
        boolean both = scaling != null && !scaling.isNull() && parameters != null && !parameters.isNull();
        // transformers 4 reads only rope_scaling, transformers 5 prefers it: they agree unless the two differ
        if (both && !Objects.equals(fromScaling, fromParameters)) {
            throw new IllegalArgumentException("rope_scaling " + scaling + " and rope_parameters " + parameters
                    + " describe different RoPE: give one of them");
        }
        return scaling != null && !scaling.isNull() ? fromScaling : fromParameters;
    }

    private RopeScaling block(String key, JsonNode rope) {
        if (rope == null || rope.isNull()) {
            return null;
        }
        if (!rope.isObject()) {
            throw new IllegalArgumentException(key + " is not an object");
        }
        String type = type(key, rope);
        JsonNode partial = rope.get("partial_rotary_factor");
        if (partial != null && !partial.isNull() && partial.asDouble() != 1.0) {
            throw new IllegalArgumentException(key + ".partial_rotary_factor " + partial + " is not implemented (RoPE"
                    + " over the whole head only)");
        }
        Block b = new Block(key, rope);
        return switch (type) {
            case "default" -> {
                b.onlyKeys(Set.of());
                yield null;
            }
            case "linear" -> {
                b.onlyKeys(LINEAR);
                yield new RopeScaling.Linear(b.factor());
            }
            case "llama3" -> {
                b.onlyKeys(LLAMA3);
                double low = b.required("low_freq_factor");
                double high = b.required("high_freq_factor");
                if (!(low > 0) || !(low < high)) {
                    throw new IllegalArgumentException(key + ": low_freq_factor (" + low + ") must be positive and"
                            + " below high_freq_factor (" + high + ")");
                }
                yield new RopeScaling.Llama3(b.factor(), low, high, original(b, true));
            }
            case "yarn" -> {
                b.onlyKeys(YARN);
                yield yarn(b);
            }
            default -> throw new IllegalArgumentException(key + " rope_type '" + type + "' is not implemented ("
                    + IMPLEMENTED + ")");
        };
    }

    /** rope_type, else the older type; rope_scaling must name one, rope_parameters defaults to "default". */
    private static String type(String key, JsonNode rope) {
        JsonNode ropeType = rope.get("rope_type");
        JsonNode legacy = rope.get("type");
        boolean hasType = ropeType != null && !ropeType.isNull();
        boolean hasLegacy = legacy != null && !legacy.isNull();
        if (hasType && hasLegacy && !ropeType.asText().equals(legacy.asText())) {
            throw new IllegalArgumentException(key + " names rope_type '" + ropeType.asText() + "' and type '"
                    + legacy.asText() + "'");
        }
        if (!hasType && !hasLegacy) {
            if (key.equals("rope_scaling")) {
                throw new IllegalArgumentException("rope_scaling names no rope_type (" + IMPLEMENTED + ")");
            }
            return "default";
        }
        return hasType ? ropeType.asText() : legacy.asText();
    }

    private RopeScaling.Yarn yarn(Block b) {
        double factor = b.factor();
        Double attention = b.optional("attention_factor");
        if (attention != null && !(attention > 0)) {
            throw new IllegalArgumentException(b.key + ".attention_factor must be positive, was " + attention);
        }
        if (attention == null) {
            Double mscale = b.optional("mscale");
            Double mscaleAllDim = b.optional("mscale_all_dim");
            boolean both = mscale != null && mscale != 0 && mscaleAllDim != null && mscaleAllDim != 0;
            attention = both ? mscale(factor, mscale) / mscale(factor, mscaleAllDim) : mscale(factor, 1.0);
        }
        JsonNode truncate = b.rope.get("truncate");
        if (truncate != null && !truncate.isBoolean()) {
            throw new IllegalArgumentException(b.key + ".truncate is not true or false: " + truncate);
        }
        return new RopeScaling.Yarn(factor, original(b, false), beta(b, "beta_fast", 32), beta(b, "beta_slow", 1),
                attention, truncate == null || truncate.asBoolean());
    }

    /** transformers' get_mscale: 0.1 * mscale * ln(scale) + 1, or 1 for a scale up to 1. */
    static double mscale(double scale, double mscale) {
        return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
    }

    /** transformers reads {@code get(key) or fallback}: absent, null and 0 all mean the fallback. */
    private static double beta(Block b, String key, double fallback) {
        Double value = b.optional(key);
        if (value != null && value < 0) {
            throw new IllegalArgumentException(b.key + "." + key + " must not be negative, was " + value);
        }
        return value == null || value == 0 ? fallback : value;
    }

    /**
     * original_max_position_embeddings of the block; yarn falls back to max_position_embeddings as transformers
     * does. transformers 5 lets a top-level key override the block's, transformers 4 never reads it: where they
     * would differ, refuse.
     */
    private int original(Block b, boolean required) {
        JsonNode nested = b.rope.get("original_max_position_embeddings");
        JsonNode top = config.get("original_max_position_embeddings");
        boolean hasNested = nested != null && !nested.isNull();
        if (top != null && !top.isNull() && (!hasNested || !top.equals(nested))) {
            throw new IllegalArgumentException("original_max_position_embeddings " + top + " at the top of "
                    + "config.json is read by transformers 5 and not by transformers 4: give it in " + b.key);
        }
        if (!hasNested) {
            if (required) {
                throw new IllegalArgumentException(b.key + ".original_max_position_embeddings is missing (rope_type "
                        + "'llama3' requires it)");
            }
            return maxPositionEmbeddings;
        }
        if (!nested.isIntegralNumber() || !nested.canConvertToInt() || nested.asInt() <= 0) {
            throw new IllegalArgumentException(b.key + ".original_max_position_embeddings must be a positive "
                    + "integer, was " + nested);
        }
        return nested.asInt();
    }

    /** One rope block's numbers, read with messages that name the block's key. */
    private record Block(String key, JsonNode rope) {

        double factor() {
            double factor = required("factor");
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException(key + ".factor must be positive, was " + factor);
            }
            return factor;
        }

        double required(String field) {
            Double value = optional(field);
            if (value == null) {
                throw new IllegalArgumentException(key + "." + field + " is missing (rope_type '"
                        + type(key, rope) + "' requires it)");
            }
            return value;
        }

        Double optional(String field) {
            JsonNode v = rope.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isNumber()) {
                throw new IllegalArgumentException(key + "." + field + " is not a number: " + v);
            }
            return v.asDouble();
        }

        /** Refuses a key this type does not read, rather than ignore what the file asks for. */
        void onlyKeys(Set<String> read) {
            for (Iterator<String> it = rope.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!COMMON.contains(field) && !read.contains(field)) {
                    throw new IllegalArgumentException(key + "." + field + " is not implemented (rope_type '"
                            + type(key, rope) + "' reads " + (read.isEmpty() ? "no other key" : String.join(", ",
                                    read.stream().sorted().toList())) + ")");
                }
            }
        }
    }
}
