package dev.aha.protocol.weights;

import java.util.HexFormat;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What a snapshot is, as every chunk of it says: its kind, and under LoRA what identifies it. A rollout checks
 * adapters against the base it holds before it applies them: adapters trained on another base, or laid out for
 * other settings (rank, scaling, adapted layers), are refused, never added to the wrong weights.
 *
 * @param kind what the image holds
 * @param baseSha256 the SHA-256 of the LoRA base's float32 image (hex): for {@link SnapshotKind#LORA_BASE} the base
 *     itself, for {@link SnapshotKind#LORA_ADAPTERS} the base they were trained on; empty for a whole policy
 * @param layoutSha256 for {@link SnapshotKind#LORA_ADAPTERS}, the SHA-256 (hex) of their layout, which the receiver
 *     computes the same way from its own settings; empty otherwise
 */
public record SnapshotLabel(SnapshotKind kind, String baseSha256, String layoutSha256) {

    /** Bytes of the two digests in a chunk header. */
    static final int DIGESTS_LENGTH = 64;

    private static final HexFormat HEX = HexFormat.of();
    private static final SnapshotLabel FULL = new SnapshotLabel(SnapshotKind.FULL, "", "");

    public SnapshotLabel {
        if (kind == null || baseSha256 == null || layoutSha256 == null) {
            throw new IllegalArgumentException("a snapshot label needs a kind and two digests (empty where none)");
        }
        boolean base = kind != SnapshotKind.FULL;
        boolean layout = kind == SnapshotKind.LORA_ADAPTERS;
        if (base != isDigest(baseSha256) || !base && !baseSha256.isEmpty()
                || layout != isDigest(layoutSha256) || !layout && !layoutSha256.isEmpty()) {
            String carries = switch (kind) {
                case FULL -> "no digest";
                case LORA_BASE -> "the base's SHA-256 and no layout digest";
                case LORA_ADAPTERS -> "the base's SHA-256 and the layout's";
            };
            throw new IllegalArgumentException("the label of " + kind.description() + " carries " + carries
                    + " (a SHA-256 as 64 lowercase hex digits), was '" + baseSha256 + "' and '" + layoutSha256 + "'");
        }
    }

    /** A whole policy: nothing more to say. */
    public static SnapshotLabel full() {
        return FULL;
    }

    public static SnapshotLabel loraBase(String sha256) {
        return new SnapshotLabel(SnapshotKind.LORA_BASE, sha256, "");
    }

    public static SnapshotLabel loraAdapters(String baseSha256, String layoutSha256) {
        return new SnapshotLabel(SnapshotKind.LORA_ADAPTERS, baseSha256, layoutSha256);
    }

    /** The first 12 hex digits of a digest and an ellipsis: enough to tell two apart in a log line. */
    public static String abbreviated(String sha256) {
        return sha256.length() > 12 ? sha256.substring(0, 12) + "..." : sha256;
    }

    private static boolean isDigest(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Writes both digests at {@code at}, 32 bytes each, zeros where there is none. */
    void writeDigests(MutableDirectBuffer b, int at) {
        putDigest(b, at, baseSha256);
        putDigest(b, at + 32, layoutSha256);
    }

    private static void putDigest(MutableDirectBuffer b, int at, String hex) {
        if (hex.isEmpty()) {
            b.setMemory(at, 32, (byte) 0);
        } else {
            b.putBytes(at, HEX.parseHex(hex));
        }
    }

    /**
     * The label of {@code kind} whose digests are at {@code at}, or null when they contradict the kind (a whole
     * policy with a digest, adapters without one).
     */
    static SnapshotLabel read(DirectBuffer b, int at, SnapshotKind kind) {
        String base = digest(b, at);
        String layout = digest(b, at + 32);
        boolean fits = switch (kind) {
            case FULL -> base.isEmpty() && layout.isEmpty();
            case LORA_BASE -> !base.isEmpty() && layout.isEmpty();
            case LORA_ADAPTERS -> !base.isEmpty() && !layout.isEmpty();
        };
        return !fits ? null : kind == SnapshotKind.FULL ? FULL : new SnapshotLabel(kind, base, layout);
    }

    /** The hex digest at {@code at}, or empty when all 32 bytes are zero (a SHA-256 that is all zeros is none). */
    private static String digest(DirectBuffer b, int at) {
        byte[] bytes = new byte[32];
        b.getBytes(at, bytes);
        for (byte x : bytes) {
            if (x != 0) {
                return HEX.formatHex(bytes);
            }
        }
        return "";
    }
}
