package dev.skeleton.builder;

import dev.skeleton.builder.data.LabeledExample;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * sha256 of data files and of the validation split, recorded in a skeleton's provenance so a build can be traced to
 * its exact data.
 */
final class DataHashes {

    /** The key of the validation split's hash among a skeleton's data hashes. */
    static final String VALIDATION_SPLIT = "validation split";

    private DataHashes() {}

    static Map<String, String> of(Path... files) {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Path f : files) {
            hashes.put(f.getFileName().toString(), sha256(f));
        }
        return hashes;
    }

    /**
     * The hash of a validation split: of its examples' labels and texts, in any order, so the same examples held
     * out by another sampling order hash the same.
     */
    static String ofSplit(List<LabeledExample> validation) {
        MessageDigest digest = sha256();
        validation.stream()
                .map(e -> e.label() + "\t" + e.input().text() + "\t" + Objects.requireNonNullElse(e.input().pair(), ""))
                .sorted()
                .forEach(line -> digest.update((line + "\n").getBytes(StandardCharsets.UTF_8)));
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256())) {
            in.transferTo(OutputStream.nullOutputStream());
            return "sha256:" + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
