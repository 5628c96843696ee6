package dev.aha.runtime.policy.lora;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.TensorBytes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The frozen weights adapters were trained on: what they are named after, and what they are checked against.
 *
 * @param model the model directory (absolute), or the architecture of a policy without one (the built-in GPT)
 * @param sha256 SHA-256 of the base's flat float32 image (every weight in layout order, little-endian, as
 *     {@link Policy#exportWeights} writes it): equal for the same weights whatever files (F32, BF16, shards) they
 *     were read from, different as soon as one bit of one weight differs
 */
public record LoraBase(String model, String sha256) {

    /** What a base built by {@code factory} is named after. */
    public static String nameOf(PolicyFactory factory) {
        if (factory instanceof HfModel m && m.directory() != null) {
            return m.directory().toAbsolutePath().normalize().toString();
        }
        return factory.architecture();
    }

    /** {@link #sha256} of {@code policy}'s weights, read in place (no copy of the weights on the CPU). */
    public static String sha256(Policy policy) {
        MessageDigest digest = digest();
        for (PolicyParameter p : policy.parameters()) {
            TensorBytes.read(p.array(), digest::update);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * {@link #sha256} of a base's flat float32 image: the same hash as {@link #sha256(Policy)} of a float32 policy
     * that imported it. A base stored narrower (bfloat16) is hashed from the image it was rounded from, so adapters
     * name the model they were trained on, whatever precision the learner kept it in.
     */
    public static String sha256(FlatWeights image) {
        MessageDigest digest = digest();
        for (int i = 0; i < image.segmentCount(); i++) {
            digest.update(image.segment(i));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
