package dev.runstream.bridge.http.internal.auth;

import dev.runstream.core.RunstreamException;

/** A presented token that is not accepted. The message says why, and never holds the token or any part of it. */
public final class TokenRejectedException extends RunstreamException {

    public TokenRejectedException(String reason) {
        super(reason);
    }
}
