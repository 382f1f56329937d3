package dev.runstream.bridge.registry;

import dev.runstream.bridge.config.RunstreamConfig;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;

/** Makes the registry client a configuration asks for: the REST client for a URL, else the topic-backed registry. */
public final class SchemaRegistries {

    private SchemaRegistries() {
    }

    public static SchemaRegistryClient fromConfig(RunstreamConfig config) {
        String url = config.getString(RunstreamConfig.SCHEMA_REGISTRY_URL_CONFIG);
        if (url.isBlank()) {
            KafkaTopicSchemaRegistry.Builder builder = KafkaTopicSchemaRegistry
                    .builder(config.getString(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG))
                    .topic(config.topics().schemas());
            for (Map.Entry<String, Object> entry : config.clientProperties("admin").entrySet()) {
                if (!entry.getKey().equals("bootstrap.servers")) {
                    builder.clientProperty(entry.getKey(), entry.getValue());
                }
            }
            return builder.build();
        }
        ConfluentRestSchemaRegistryClient.Builder builder;
        try {
            builder = ConfluentRestSchemaRegistryClient.builder(url);
            Password userInfo = config.getPassword(RunstreamConfig.SCHEMA_REGISTRY_USER_INFO_CONFIG);
            if (userInfo != null) {
                String[] parts = userInfo.value().split(":", 2);
                builder.basicAuth(parts[0], parts.length > 1 ? parts[1] : "");
            }
        } catch (IllegalArgumentException e) {
            // A setting to fix, not a bug; the messages name no secret (the URL's credentials are left out).
            throw new org.apache.kafka.common.config.ConfigException("schema registry settings: " + e.getMessage());
        }
        Password token = config.getPassword(RunstreamConfig.SCHEMA_REGISTRY_BEARER_TOKEN_CONFIG);
        if (token != null) {
            builder.bearerToken(token.value());
        }
        return builder.build();
    }
}
