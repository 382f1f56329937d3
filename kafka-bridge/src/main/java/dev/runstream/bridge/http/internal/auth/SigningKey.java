package dev.runstream.bridge.http.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HMAC-SHA256 key for tokens, with its key id: the first 6 bytes of SHA-256 over a fixed label and the key,
 * base64url (8 characters). The id names the key in a token without revealing it; it is not a secret.
 */
public final class SigningKey {

    /** Fewer bytes than this are refused: HMAC-SHA256 wants a key as long as its output. */
    public static final int MIN_BYTES = 32;
    static final int KEY_ID_LENGTH = 8;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final String id;

    private SigningKey(byte[] bytes) {
        this.key = new SecretKeySpec(bytes, ALGORITHM);
        this.id = keyId(bytes);
    }

    /**
     * The key written in base64 (standard or URL-safe alphabet, padding optional), or
     * {@link IllegalArgumentException} saying what is wrong with it (never the key itself).
     */
    public static SigningKey fromBase64(String encoded) {
        String text = encoded.strip();
        byte[] bytes;
        try {
            bytes = text.indexOf('-') >= 0 || text.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not base64 (e.g. the output of 'openssl rand -base64 32')");
        }
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("decodes to " + bytes.length + " bytes; at least " + MIN_BYTES
                    + " are needed");
        }
        SigningKey key = new SigningKey(bytes);
        Arrays.fill(bytes, (byte) 0);
        return key;
    }

    /** The key id, as tokens signed with this key carry it. */
    public String id() {
        return id;
    }

    /** HMAC-SHA256 of {@code data} under this key. */
    byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JVM", e);
        }
    }

    /** Whether both are the same key. */
    public boolean sameKeyAs(SigningKey other) {
        return MessageDigest.isEqual(key.getEncoded(), other.key.getEncoded());
    }

    private static String keyId(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("runstream token key id\0".getBytes(StandardCharsets.US_ASCII));
            byte[] digest = sha.digest(key);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 6));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[id=" + id + ", key=[hidden]]";
    }
}
