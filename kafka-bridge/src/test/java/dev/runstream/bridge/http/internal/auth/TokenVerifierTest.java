package dev.runstream.bridge.http.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The verifier against every hostile form of a token, on a clock the test sets. */
class TokenVerifierTest {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final SigningKey KEY = key('k');
    static final SigningKey OTHER = key('o');
    static final Duration SKEW = Duration.ofSeconds(30);
    static final Duration MAX = Duration.ofHours(24);

    static SigningKey key(char fill) {
        return SigningKey.fromBase64(Base64.getEncoder().encodeToString(String.valueOf(fill).repeat(32)
                .getBytes(StandardCharsets.US_ASCII)));
    }

    static TokenClaims claims(RunSelector runs, Set<Scope> scopes, Instant notBefore, Duration ttl) {
        return new TokenClaims("id-1", runs, scopes, notBefore, notBefore.plus(ttl));
    }

    static final TokenClaims READ_A = claims(RunSelector.exactly("run-a"), EnumSet.of(Scope.READ), T0,
            Duration.ofHours(1));
    static final String TOKEN = new TokenSigner(KEY).sign(READ_A);

    static TokenVerifier verifier(Instant now) {
        return verifier(SigningKeys.of(KEY), now);
    }

    static TokenVerifier verifier(SigningKeys keys, Instant now) {
        return new TokenVerifier(keys, Clock.fixed(now, ZoneOffset.UTC), SKEW, MAX);
    }

    @Test
    void shouldAcceptATokenItSignedAndGiveBackItsClaims() {
        assertThat(TOKEN).startsWith("rs1." + KEY.id() + ".").matches("[A-Za-z0-9_.-]+").hasSizeLessThan(300);
        assertThat(verifier(T0.plusSeconds(10)).verify(TOKEN)).isEqualTo(READ_A);
    }

    @Test
    void shouldAcceptWithinTheClockSkewAndRefuseBeyondIt() {
        assertThat(verifier(T0.minus(SKEW)).verify(TOKEN)).isEqualTo(READ_A);
        assertThat(verifier(READ_A.expiresAt().plus(SKEW).minusSeconds(1)).verify(TOKEN)).isEqualTo(READ_A);
        assertRefused(verifier(T0.minus(SKEW).minusSeconds(1)), TOKEN, "not valid before 2030-01-01T00:00:00Z");
        assertRefused(verifier(READ_A.expiresAt().plus(SKEW)), TOKEN, "expired at 2030-01-01T01:00:00Z");
    }

    @Test
    void shouldRefuseAReplayOfATokenAfterItExpired() {
        TokenVerifier early = verifier(T0.plusSeconds(60));
        TokenVerifier late = verifier(T0.plus(Duration.ofDays(3)));
        assertThat(early.verify(TOKEN)).isEqualTo(READ_A);
        assertRefused(late, TOKEN, "expired");
    }

    static Stream<Arguments> hostileTokens() {
        String[] s = TOKEN.split("\\.");
        String otherPayload = TokenFormat.encode(TokenFormat.payload(claims(RunSelector.exactly("run-b"),
                EnumSet.allOf(Scope.class), T0, Duration.ofHours(1))));
        String flippedMac = s[3].substring(0, 5) + (s[3].charAt(5) == 'A' ? 'B' : 'A') + s[3].substring(6);
        char last = s[3].charAt(s[3].length() - 1);
        // 32 bytes in 43 characters: the last one carries 4 bits; one with other low bits decodes the same.
        String nonCanonicalMac = s[3].substring(0, s[3].length() - 1) + (char) (last ^ 1);
        return Stream.of(
                Arguments.of("payload swapped for another run's", join("rs1", s[1], otherPayload, s[3]), "signature"),
                Arguments.of("payload with one character changed", join("rs1", s[1], flip(s[2]), s[3]), "signature"),
                Arguments.of("signature with one character changed", join("rs1", s[1], s[2], flippedMac), "signature"),
                Arguments.of("signed by another key, with this key's id", join("rs1", s[1], s[2],
                        TokenFormat.encode(OTHER.mac(("rs1." + s[1] + "." + s[2]).getBytes()))), "signature"),
                Arguments.of("signed by an unknown key", new TokenSigner(OTHER).sign(READ_A), "unknown key"),
                Arguments.of("truncated by one character", TOKEN.substring(0, TOKEN.length() - 1), "base64url"),
                Arguments.of("truncated signature", join("rs1", s[1], s[2], s[3].substring(0, 40)), "signature"),
                Arguments.of("no signature", join("rs1", s[1], s[2]), "3 segments"),
                Arguments.of("empty signature", TOKEN.substring(0, TOKEN.lastIndexOf('.') + 1), "empty segment"),
                Arguments.of("an extra segment", TOKEN + ".AAAA", "5 segments"),
                Arguments.of("an extra empty segment", TOKEN + ".", "5 segments"),
                Arguments.of("padded signature", TOKEN + "=", "not URL-safe"),
                Arguments.of("standard-alphabet characters", join("rs1", s[1], s[2].replace('-', '+') + "/", s[3]),
                        "not URL-safe"),
                Arguments.of("non-canonical signature", join("rs1", s[1], s[2], nonCanonicalMac), "canonical"),
                Arguments.of("version rs0", join("rs0", s[1], s[2], s[3]), "version rs1"),
                Arguments.of("version RS1", join("RS1", s[1], s[2], s[3]), "version rs1"),
                Arguments.of("version rs2", join("rs2", s[1], s[2], s[3]), "version rs1"),
                Arguments.of("a JWT with alg none", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
                        + Base64.getUrlEncoder().withoutPadding().encodeToString("{\"run\":\"run-a\"}".getBytes())
                        + ".", "segments"),
                Arguments.of("a JWT-shaped rs1 token", join("rs1", "eyJhbGciOiJub25lIn0", s[2], s[3]), "key id"),
                Arguments.of("huge", "rs1." + s[1] + "." + "A".repeat(5000) + "." + s[3], "longer than 1024"),
                Arguments.of("empty", "", "1 segments"),
                Arguments.of("blank in the middle", join("rs1", s[1], s[2] + " ", s[3]), "not URL-safe"),
                Arguments.of("non-ASCII look-alike", join("rs1", s[1], s[2].replaceFirst(".", "\u0410"), s[3]),
                        "not URL-safe"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTokens")
    void shouldRefuseAHostileTokenWithoutEchoingIt(String what, String token, String reason) {
        assertRefused(verifier(T0.plusSeconds(10)), token, reason);
    }

    @Test
    void shouldAcceptTheRotatedOutKeyOnlyUntilItsGraceEnds() {
        Instant graceEnds = T0.plus(Duration.ofMinutes(30));
        SigningKeys rotated = new SigningKeys(OTHER, Optional.of(KEY), Optional.of(graceEnds));
        assertThat(verifier(rotated, graceEnds.minusSeconds(1)).verify(TOKEN)).isEqualTo(READ_A);
        assertRefused(verifier(rotated, graceEnds), TOKEN, "retired key (its grace ended at 2030-01-01T00:30:00Z)");
        assertThat(verifier(rotated, graceEnds).verify(new TokenSigner(OTHER).sign(READ_A))).isEqualTo(READ_A);
    }

    @Test
    void shouldRefuseAPayloadWithAValidMacButUnknownFieldsOrBadValues() {
        for (String payload : new String[] {
                "{\"jti\":\"x\",\"run\":\"run-a\",\"scp\":[\"read\"],\"nbf\":1893456000,\"exp\":1893459600,\"adm\":1}",
                "{\"jti\":\"x\",\"run\":\"run-a\",\"pfx\":\"run-\",\"scp\":[\"read\"],\"nbf\":1893456000,\"exp\":1893459600}",
                "{\"jti\":\"x\",\"run\":\"../a\",\"scp\":[\"read\"],\"nbf\":1893456000,\"exp\":1893459600}",
                "{\"jti\":\"x\",\"run\":\"run-a\",\"scp\":[\"admin\"],\"nbf\":1893456000,\"exp\":1893459600}",
                "{\"jti\":\"x\",\"run\":\"run-a\",\"scp\":[],\"nbf\":1893456000,\"exp\":1893459600}",
                "{\"jti\":\"x\",\"run\":\"run-a\",\"scp\":[\"read\"],\"nbf\":1.5,\"exp\":1893459600}",
                "{\"jti\":\"x\",\"run\":\"run-a\",\"run\":\"run-b\",\"scp\":[\"read\"],\"nbf\":1893456000,\"exp\":1893459600}",
                "[1]", "not json"}) {
            String signed = "rs1." + KEY.id() + "." + TokenFormat.encode(payload.getBytes(StandardCharsets.UTF_8));
            String token = signed + "." + TokenFormat.encode(KEY.mac(signed.getBytes(StandardCharsets.US_ASCII)));
            assertRefused(verifier(T0.plusSeconds(10)), token, "payload");
        }
    }

    @Test
    void shouldRefuseATokenLivingLongerThanTheMaximum() {
        String long_ = new TokenSigner(KEY).sign(claims(RunSelector.exactly("run-a"), EnumSet.of(Scope.READ), T0,
                MAX.plus(SKEW).plusSeconds(1)));
        assertRefused(verifier(T0.plusSeconds(10)), long_, "lifetime");
    }

    @Test
    void shouldRefuseAnInvalidSigningKey() {
        assertThatThrownBy(() -> SigningKey.fromBase64("c2hvcnQ=")).hasMessage("decodes to 5 bytes; at least 32 are "
                + "needed");
        assertThatThrownBy(() -> SigningKey.fromBase64("not base64 at all!")).hasMessageContaining("not base64");
        assertThat(KEY.toString()).doesNotContain("kkkk").contains("hidden");
    }

    static void assertRefused(TokenVerifier verifier, String token, String reason) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(TokenRejectedException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> {
                    for (String segment : token.split("\\.")) {
                        if (segment.length() > 8) {
                            assertThat(e.getMessage()).doesNotContain(segment);
                        }
                    }
                });
    }

    private static String join(String... segments) {
        return String.join(".", segments);
    }

    private static String flip(String segment) {
        UnaryOperator<Character> other = c -> c == 'A' ? 'B' : 'A';
        return segment.substring(0, 10) + other.apply(segment.charAt(10)) + segment.substring(11);
    }
}
