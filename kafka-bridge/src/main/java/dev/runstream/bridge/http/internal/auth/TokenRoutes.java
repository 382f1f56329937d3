package dev.runstream.bridge.http.internal.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.http.internal.ApiException;
import dev.runstream.core.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/tokens} (admin: mint a scoped token) and {@code POST /v1/runs/{runId}/session} (a scoped token
 * in the header becomes the session cookie of that run's routes, for {@code EventSource}, which sends no header).
 */
public final class TokenRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(TokenRoutes.class);

    private final Optional<TokenSigner> signer;
    private final Duration maxTtl;
    private final Clock clock;

    public TokenRoutes(Optional<TokenSigner> signer, Duration maxTtl, Clock clock) {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether tokens can be minted (a signing key is set). */
    boolean minting() {
        return signer.isPresent();
    }

    /** {@code POST /v1/tokens}. */
    public void mint(Context ctx) throws IOException {
        TokenSigner tokens = signer.orElseThrow(() -> new ApiException(404, "tokens_disabled",
                "scoped tokens need http.auth.signing.key (and http.auth.token)"));
        MintRequest request = MintRequest.parse(ctx.req().getInputStream().readNBytes(MintRequest.MAX_BODY_BYTES + 1),
                maxTtl);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant notBefore = request.notBefore().orElse(now);
        if (notBefore.isAfter(now.plus(maxTtl))) {
            throw MintRequest.bad("notBefore", "must be at most " + maxTtl.toSeconds() + " s from now");
        }
        Instant expiresAt = notBefore.plus(request.ttl());
        if (!expiresAt.isAfter(now)) {
            throw MintRequest.bad("notBefore", "with ttlSeconds it makes a token that has already expired");
        }
        TokenClaims claims = new TokenClaims(TokenSigner.newTokenId(), request.runs(), request.scopes(), notBefore,
                expiresAt);
        String token = tokens.sign(claims);
        LOG.info("Minted token {} for {} ({}) valid {} to {}", claims.id(), claims.runs().describe(),
                claims.scopes(), notBefore, expiresAt);
        ObjectNode body = describe(claims);
        body.put("token", token);
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).contentType("application/json").result(Json.write(body));
    }

    /**
     * {@code POST /v1/runs/{runId}/session}: answers with the header's token as an {@code HttpOnly},
     * {@code SameSite=Strict} cookie whose path is the run's ({@code Secure} when the request came over HTTPS, or
     * through a proxy that says so in {@code X-Forwarded-Proto}), living as long as the token.
     */
    public void session(Context ctx) {
        if (!(ctx.attribute(Principal.ATTRIBUTE) instanceof Principal.Scoped scoped)) {
            throw new ApiException(404, "tokens_disabled", "session cookies need scoped tokens, which need "
                    + "http.auth.signing.key (and http.auth.token)");
        }
        String token = PresentedCredentials.bearer(ctx).orElseThrow();
        String runId = ctx.pathParam("runId");
        long maxAge = Math.max(1, Duration.between(clock.instant(), scoped.claims().expiresAt()).toSeconds());
        boolean secure = "https".equalsIgnoreCase(ctx.scheme())
                || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        String path = "/v1/runs/" + runId;
        ctx.header("Set-Cookie", PresentedCredentials.COOKIE + "=" + token + "; Path=" + path + "; Max-Age=" + maxAge
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
        ctx.header("Cache-Control", "no-store");
        ObjectNode body = describe(scoped.claims());
        body.put("cookie", PresentedCredentials.COOKIE);
        body.put("path", path);
        ctx.status(200).contentType("application/json").result(Json.write(body));
    }

    private static ObjectNode describe(TokenClaims claims) {
        ObjectNode body = Json.object();
        body.put("id", claims.id());
        if (claims.runs().run() != null) {
            body.put("run", claims.runs().run());
        } else {
            body.put("runPrefix", claims.runs().prefix());
        }
        ArrayNode scopes = body.putArray("scopes");
        EnumSet.copyOf(claims.scopes()).forEach(scope -> scopes.add(scope.wireName()));
        body.put("notBefore", claims.notBefore().toString());
        body.put("expiresAt", claims.expiresAt().toString());
        return body;
    }
}
