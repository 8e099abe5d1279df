package dev.skeleton.streams;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;

/**
 * Who may use the HTTP endpoints and how many at once.
 *
 * @param token          the bearer token every endpoint but {@code /health} and {@code /ready} requires; empty: none
 * @param idleTimeout    a connection idle this long is closed
 * @param maxConnections connections open at once; more are closed as they arrive
 */
public record HttpAccess(Optional<String> token, Duration idleTimeout, int maxConnections) {

    /** No token, Vert.x-like defaults: for tests and tools. */
    public static final HttpAccess OPEN = new HttpAccess(Optional.empty(), Duration.ofSeconds(60), 1_000);

    /** Whether {@code authorization} (the request's Authorization header, may be null) carries the token. */
    boolean allows(String authorization) {
        if (token.isEmpty()) {
            return true;
        }
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        // constant time, so the comparison does not tell an attacker how much of a guess was right
        return MessageDigest.isEqual(authorization.substring("Bearer ".length()).trim()
                .getBytes(StandardCharsets.UTF_8), token.get().getBytes(StandardCharsets.UTF_8));
    }
}
