package dev.runstream.bridge.http.internal.auth;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a scoped token says: the runs it reaches, what it may do to them, and when. Times are whole seconds.
 *
 * @param id a random id, for audit logs (a token is never logged, its id may be)
 */
public record TokenClaims(String id, RunSelector runs, Set<Scope> scopes, Instant notBefore, Instant expiresAt) {

    public TokenClaims {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runs, "runs");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (scopes == null || scopes.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one scope");
        }
        scopes = Set.copyOf(EnumSet.copyOf(scopes));
        if (notBefore.getNano() != 0 || expiresAt.getNano() != 0) {
            throw new IllegalArgumentException("token times are whole seconds");
        }
        if (!expiresAt.isAfter(notBefore)) {
            throw new IllegalArgumentException("a token must expire after it becomes valid");
        }
    }

    /** Whether the token lets its bearer do {@code scope} to {@code runId} (a valid run id). */
    public boolean allows(String runId, Scope scope) {
        return scopes.contains(scope) && runs.matches(runId);
    }
}
