package dev.aha.protocol.weights;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * HMAC-SHA256 under {@code aha.weights.secret}, over ranges of Aeron buffers. The tag is built up with
 * {@link #update} and then either written ({@link #sign}) or compared in constant time ({@link #verify}). A
 * {@link Mac} keeps state between calls: one instance per thread.
 */
final class PlaneMac {

    static final int LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final Mac mac;
    // Mac reads heap arrays only: Aeron's buffers are copied through this in pieces instead of a new array per call
    private final byte[] piece = new byte[4096];
    private final byte[] computed = new byte[LENGTH];
    private final byte[] carried = new byte[LENGTH];

    private PlaneMac(byte[] key) {
        try {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime ships " + ALGORITHM, e);
        }
    }

    /** A MAC under {@code secret}, or null when it is empty (the plane then runs unauthenticated). */
    static PlaneMac of(String secret) {
        return secret.isEmpty() ? null : new PlaneMac(secret.getBytes(StandardCharsets.UTF_8));
    }

    void update(DirectBuffer b, int at, int length) {
        while (length > 0) {
            int n = Math.min(length, piece.length);
            b.getBytes(at, piece, 0, n);
            mac.update(piece, 0, n);
            at += n;
            length -= n;
        }
    }

    /** Ends the tag and writes it at {@code tagAt}. */
    void sign(MutableDirectBuffer b, int tagAt) {
        finish();
        b.putBytes(tagAt, computed);
    }

    /** Ends the tag and tells whether the one carried at {@code tagAt} is the same. */
    boolean verify(DirectBuffer b, int tagAt) {
        finish();
        b.getBytes(tagAt, carried);
        return MessageDigest.isEqual(computed, carried);
    }

    private void finish() {
        try {
            mac.doFinal(computed, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the tag array holds " + LENGTH + " bytes", e);
        }
    }
}
