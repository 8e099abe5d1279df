package dev.skeleton.streams.registry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Signs and checks registry records with a shared key ({@code registry.signing.key}), so that only whoever holds
 * the key can change what the service runs: write access to the registry topic alone is not enough.
 *
 * <p>The signature is HMAC-SHA256 over the record's key (the task id, UTF-8), one zero byte and its value (nothing
 * for a tombstone), in lower-case hex in the {@value #HEADER} header. The key is part of the message so that a
 * signed tombstone of one task cannot retire another. What a signature cannot stop: replaying an older signed
 * record (the registry ignores versions that are not newer, but a replayed signed tombstone does retire its task).
 */
public final class RegistrySigner {

    /** Header holding the signature. */
    public static final String HEADER = "skeleton.signature";
    /** Shortest key accepted, in bytes: HMAC-SHA256 is only as strong as its key. */
    public static final int MIN_KEY_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;

    /** Signs with {@code key}, which must have at least {@value #MIN_KEY_BYTES} bytes. */
    public RegistrySigner(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a signing key needs at least " + MIN_KEY_BYTES + " bytes, got "
                    + key.length);
        }
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** The {@value #HEADER} value for the record {@code taskId} → {@code value} (null: a tombstone). */
    public byte[] sign(String taskId, byte[] value) {
        return HEX.formatHex(mac(taskId, value)).getBytes(StandardCharsets.US_ASCII);
    }

    /** Why the record is not signed with this key, or empty if it is. */
    public Optional<String> problem(String taskId, byte[] value, Headers headers) {
        Header header = headers.lastHeader(HEADER);
        if (header == null || header.value() == null) {
            return Optional.of("not signed (no " + HEADER + " header), and registry.signing.key is set");
        }
        // constant time, so the comparison does not tell a forger how much of a guess was right
        if (!MessageDigest.isEqual(header.value(), sign(taskId, value))) {
            return Optional.of("the " + HEADER + " header does not match: signed with another key, or the record "
                    + "was changed after signing");
        }
        return Optional.empty();
    }

    private byte[] mac(String taskId, byte[] value) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM); // not thread-safe, and registry records are rare: one per call
            mac.init(key);
            mac.update(taskId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            if (value != null) {
                mac.update(value);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "RegistrySigner[key hidden]";
    }
}
