package dev.runstream.bridge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The token settings: each validated with a message naming it, the rules between them, and no key in a dump. */
class BridgeConfigTokenTest {

    static final String KEY = "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=";
    static final String PREVIOUS = "cHJldi1wcmV2LXByZXYtcHJldi1wcmV2LXByZXYtcHI=";

    static BridgeConfig config(Object... pairs) {
        Map<String, Object> settings = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put((String) pairs[i], pairs[i + 1]);
        }
        return new BridgeConfig(settings);
    }

    @Test
    void shouldReadAKeyAndAPreviousKeyWithItsGrace() {
        BridgeConfig config = config(BridgeConfig.AUTH_TOKEN_CONFIG, "admin-S3cr3t",
                BridgeConfig.AUTH_SIGNING_KEY_CONFIG, KEY, BridgeConfig.AUTH_SIGNING_KEY_PREVIOUS_CONFIG, PREVIOUS,
                BridgeConfig.AUTH_SIGNING_KEY_PREVIOUS_UNTIL_CONFIG, "2030-01-01T00:00:00Z");
        assertThat(config.previousSigningKeyUntil()).contains(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(config.toString()).doesNotContain(KEY, PREVIOUS, "admin-S3cr3t");
        assertThat(config.values().toString()).doesNotContain(KEY, PREVIOUS);
    }

    @Test
    void shouldRefuseAKeyThatIsNoBase64OrTooShortWithoutPrintingIt() {
        assertThatThrownBy(() -> config(BridgeConfig.AUTH_TOKEN_CONFIG, "t",
                BridgeConfig.AUTH_SIGNING_KEY_CONFIG, "secret-but-not-base64!"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(BridgeConfig.AUTH_SIGNING_KEY_CONFIG).hasMessageContaining("not base64")
                .message().doesNotContain("secret-but-not-base64");
        assertThatThrownBy(() -> config(BridgeConfig.AUTH_TOKEN_CONFIG, "t",
                BridgeConfig.AUTH_SIGNING_KEY_CONFIG, "c2hvcnQta2V5"))
                .hasMessageContaining("decodes to 9 bytes; at least 32").message().doesNotContain("c2hvcnQta2V5");
        assertThatThrownBy(() -> config(BridgeConfig.AUTH_SIGNING_KEY_PREVIOUS_UNTIL_CONFIG, "tomorrow"))
                .hasMessageContaining(BridgeConfig.AUTH_SIGNING_KEY_PREVIOUS_UNTIL_CONFIG)
                .hasMessageContaining("ISO-8601");
    }

    @Test
    void shouldReportEveryBrokenRuleBetweenTheTokenSettingsAtOnce() {
        assertThatThrownBy(() -> config(BridgeConfig.AUTH_SIGNING_KEY_PREVIOUS_CONFIG, PREVIOUS))
                .hasMessageContaining("http.auth.signing.key.previous needs http.auth.signing.key")
                .hasMessageContaining("are set together or not at all");
        assertThatThrownBy(() -> config(BridgeConfig.AUTH_SIGNING_KEY_CONFIG, KEY))
                .hasMessageContaining("http.auth.signing.key needs http.auth.token");
        assertThatThrownBy(() -> config(BridgeConfig.AUTH_TOKEN_CONFIG, "t", BridgeConfig.AUTH_SIGNING_KEY_CONFIG, KEY,
                BridgeConfig.AUTH_SIGNING_KEY_PREVIOUS_CONFIG, KEY,
                BridgeConfig.AUTH_SIGNING_KEY_PREVIOUS_UNTIL_CONFIG, "2030-01-01T00:00:00Z"))
                .hasMessageContaining("is the same key as");
        assertThatThrownBy(() -> config(BridgeConfig.AUTH_TOKEN_MAX_TTL_MS_CONFIG, 10L))
                .hasMessageContaining(BridgeConfig.AUTH_TOKEN_MAX_TTL_MS_CONFIG);
        assertThatThrownBy(() -> config(BridgeConfig.AUTH_TOKEN_CLOCK_SKEW_MS_CONFIG, 3_600_000L))
                .hasMessageContaining(BridgeConfig.AUTH_TOKEN_CLOCK_SKEW_MS_CONFIG);
    }
}
