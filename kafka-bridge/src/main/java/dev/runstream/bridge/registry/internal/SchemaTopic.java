package dev.runstream.bridge.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.registry.CompatibilityLevel;
import dev.runstream.bridge.registry.SchemaRegistryException;
import dev.runstream.bridge.registry.SchemaRegistryUnavailableException;
import dev.runstream.bridge.registry.internal.SchemaLog.ConfigChange;
import dev.runstream.bridge.registry.internal.SchemaLog.Registration;
import dev.runstream.core.Deadline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Kafka I/O of the schemas topic: one partition (one total order), {@code cleanup.policy=compact} (kept
 * forever). Each registration is appended under a key of its own (subject, version and a random writer
 * nonce), so compaction never merges two racing registrations and replay order stays the append order.
 * Value: JSON {@code {"subject", "version", "id", "schema"}}; a null value is a tombstone. A compatibility
 * setting is keyed by its scope alone ({@code {"config": true[, "subject"]}}), so compaction keeps the last one:
 * value {@code {"config": true, ["subject",] "compatibilityLevel"}}, the level null when the setting was removed.
 */
public final class SchemaTopic implements AutoCloseable {

    /** A record read back: its offset, key, and content (empty for a tombstone or unreadable value). */
    public record Entry(long offset, byte[] key, Optional<SchemaLog.Record> record) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(SchemaTopic.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final TopicPartition partition;
    private final Duration timeout;
    private final Map<String, Object> clientConfig;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;

    public SchemaTopic(String topic, Map<String, Object> clientConfig, Duration timeout) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.timeout = timeout;
        this.clientConfig = Map.copyOf(clientConfig);
        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        this.consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Creates the topic if it is missing, checks it has one partition, and positions the reader at its start. */
    public void open(Optional<Short> replicationFactor) {
        try (Admin admin = Admin.create(clientConfig)) {
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), replicationFactor)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Created schemas topic {}", topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw unavailable("create schemas topic " + topic, e.getCause());
                }
            }
            TopicDescription description = describe(admin, topic, timeout);
            if (description.partitions().size() != 1) {
                throw new SchemaRegistryException("Schemas topic " + topic + " has " + description.partitions().size()
                    + " partitions; it needs exactly 1 (one order of registrations)", 0, null);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable("describe schemas topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("open schemas topic " + topic, e);
        }
        consumer.assign(Set.of(partition));
        consumer.seekToBeginning(Set.of(partition));
    }

    /** Appends a record (a registration under a new unique key, a setting under its scope); returns its key and offset. */
    public Entry append(SchemaLog.Record record) {
        return switch (record) {
            case Registration registration -> append(registration);
            case ConfigChange change -> append(change);
        };
    }

    private Entry append(ConfigChange change) {
        ObjectNode key = JSON.createObjectNode().put("config", true);
        change.subject().ifPresent(subject -> key.put("subject", subject));
        ObjectNode value = key.deepCopy();
        if (change.level().isPresent()) {
            value.put("compatibilityLevel", change.level().get().name());
        } else {
            value.putNull("compatibilityLevel");
        }
        byte[] keyBytes = key.toString().getBytes(StandardCharsets.UTF_8);
        long offset = send(keyBytes, value.toString().getBytes(StandardCharsets.UTF_8));
        return new Entry(offset, keyBytes, Optional.of(change));
    }

    private Entry append(Registration registration) {
        ObjectNode key = JSON.createObjectNode()
            .put("subject", registration.subject())
            .put("version", registration.version())
            .put("writer", UUID.randomUUID().toString());
        ObjectNode value = JSON.createObjectNode()
            .put("subject", registration.subject())
            .put("version", registration.version())
            .put("id", registration.id())
            .put("schema", registration.schema());
        byte[] keyBytes = key.toString().getBytes(StandardCharsets.UTF_8);
        long offset = send(keyBytes, value.toString().getBytes(StandardCharsets.UTF_8));
        return new Entry(offset, keyBytes, Optional.of(registration));
    }

    /** Deletes a record that lost a race (it changed nothing), so compaction can drop it. */
    public void tombstone(byte[] key) {
        send(key, null);
    }

    private long send(byte[] key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, 0, key, value)).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable("write to schemas topic " + topic, e instanceof ExecutionException ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("write to schemas topic " + topic, e);
        }
    }

    /** The offset after the last record now in the topic. */
    public long endOffset() {
        return consumer.endOffsets(Set.of(partition), timeout).get(partition);
    }

    /** Reads from the current position until {@code untilOffset} (exclusive) and hands each record to {@code sink}. */
    public void readUntil(long untilOffset, Consumer<Entry> sink) {
        Deadline deadline = Deadline.after(timeout);
        while (consumer.position(partition, timeout) < untilOffset) {
            if (deadline.passed()) {
                throw unavailable("read schemas topic " + topic + " up to offset " + untilOffset, null);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                sink.accept(new Entry(record.offset(), record.key(), decode(record)));
            }
        }
    }

    private Optional<SchemaLog.Record> decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            JsonNode value = JSON.readTree(record.value());
            if (value.path("config").asBoolean(false)) {
                return decodeConfig(value, record.offset());
            }
            if (!value.path("subject").isTextual() || !value.path("version").isInt()
                || !value.path("id").isInt() || !value.path("schema").isTextual()) {
                LOG.warn("Skipping record without subject, version, id and schema in schemas topic {}@{}",
                    partition, record.offset());
                return Optional.empty();
            }
            return Optional.of(new Registration(value.path("subject").asText(), value.path("version").asInt(),
                value.path("id").asInt(), value.path("schema").asText()));
        } catch (IOException e) {
            LOG.warn("Skipping unreadable record in schemas topic {}@{}", partition, record.offset(), e);
            return Optional.empty();
        }
    }

    private Optional<SchemaLog.Record> decodeConfig(JsonNode value, long offset) {
        JsonNode subject = value.path("subject");
        JsonNode level = value.path("compatibilityLevel");
        Optional<CompatibilityLevel> parsed = level.isTextual() ? CompatibilityLevel.parse(level.asText()) : Optional.empty();
        if ((!subject.isMissingNode() && !subject.isTextual()) || (!level.isNull() && parsed.isEmpty())) {
            LOG.warn("Skipping compatibility setting with an unknown subject or level in schemas topic {}@{}",
                partition, offset);
            return Optional.empty();
        }
        return Optional.of(new ConfigChange(subject.isTextual() ? Optional.of(subject.asText()) : Optional.empty(), parsed));
    }

    private SchemaRegistryUnavailableException unavailable(String what, Throwable cause) {
        return new SchemaRegistryUnavailableException("Could not " + what + " within " + timeout.toMillis() + " ms"
            + (cause == null ? "" : ": " + cause), 0, cause);
    }

    @Override
    public void close() {
        try {
            producer.close(timeout);
        } finally {
            consumer.close(CloseOptions.timeout(timeout));
        }
    }

    /** Describes the topic, asking again while a topic just created is not known to the broker yet. */
    private static TopicDescription describe(Admin admin, String name, Duration wait)
            throws ExecutionException, TimeoutException, InterruptedException {
        Deadline deadline = Deadline.after(wait);
        while (true) {
            try {
                return admin.describeTopics(List.of(name)).allTopicNames()
                        .get(wait.toMillis(), TimeUnit.MILLISECONDS).get(name);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || deadline.passed()) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
