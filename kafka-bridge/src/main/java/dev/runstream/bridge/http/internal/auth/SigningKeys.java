package dev.runstream.bridge.http.internal.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys tokens are checked with: the current key, which also signs, and after a rotation the previous key, which
 * only verifies, and only before {@code previousUntil}. From that instant on a token signed with the previous key is
 * refused whatever its own expiry says.
 */
public record SigningKeys(SigningKey current, Optional<SigningKey> previous, Optional<Instant> previousUntil) {

    public SigningKeys {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(previousUntil, "previousUntil");
        if (previous.isPresent() != previousUntil.isPresent()) {
            throw new IllegalArgumentException("a previous key needs the instant its grace ends, and only then");
        }
        if (previous.isPresent() && previous.get().sameKeyAs(current)) {
            throw new IllegalArgumentException("the previous key is the current key");
        }
    }

    public static SigningKeys of(SigningKey current) {
        return new SigningKeys(current, Optional.empty(), Optional.empty());
    }

    /** The key whose id is {@code keyId}, if it may verify at {@code now}; else why not. */
    SigningKey forVerification(String keyId, Instant now) {
        if (current.id().equals(keyId)) {
            return current;
        }
        if (previous.isPresent() && previous.get().id().equals(keyId)) {
            if (now.isBefore(previousUntil.get())) {
                return previous.get();
            }
            throw new TokenRejectedException("signed with a retired key (its grace ended at " + previousUntil.get()
                    + ")");
        }
        throw new TokenRejectedException("signed with an unknown key");
    }
}
