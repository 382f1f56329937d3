package dev.runstream.benchmarks;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.SchemaRegistries;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * What every benchmark shares: one real single-node KRaft broker in this JVM (the {@link EmbeddedKafkaBroker} that
 * {@code runstream serve} runs), the schema registry kept in Kafka (as {@code serve} has it), an admin client, and
 * the settings both sides use, so that Runstream and raw Kafka are measured on the same broker with equivalent
 * client settings.
 */
public final class BenchEnvironment implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final EmbeddedKafkaBroker broker;
    private final Admin admin;
    private final SchemaRegistryClient registry;
    private final Map<String, String> common;

    private BenchEnvironment(Path dir, EmbeddedKafkaBroker broker, Map<String, String> common) {
        this.dir = dir;
        this.broker = broker;
        this.common = Map.copyOf(common);
        this.admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
        this.registry = SchemaRegistries.fromConfig(config("bench", Map.of()));
    }

    /**
     * Starts a broker with its data under {@code dir}, which {@link #close()} deletes; {@code common} Runstream
     * settings go to every benchmark's configuration (both sides).
     */
    public static BenchEnvironment start(Path dir, Map<String, String> common) {
        // Deleted topics' files go at once rather than after a minute: each benchmark deletes its topics, and the
        // data may be in memory (see BenchmarkMain.brokerDir).
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka"))
                .brokerProperty("log.segment.delete.delay.ms", "1000").build().start();
        return new BenchEnvironment(dir, broker, common);
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public Duration brokerStartupTime() {
        return broker.startupTime();
    }

    public Admin admin() {
        return admin;
    }

    /** The registry every benchmark's clients share (its topic is {@code bench._schemas}). */
    public SchemaRegistryClient registry() {
        return registry;
    }

    /** Runstream's settings for topics under {@code prefix} on this broker, plus {@code extra}. */
    public RunstreamConfig config(String prefix, Map<String, ?> extra) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(RunstreamConfig.PREFIX_CONFIG, prefix);
        settings.put("kafka.streams.state.dir", dir.resolve("streams").resolve(prefix).toString());
        settings.putAll(common);
        settings.putAll(extra);
        return new RunstreamConfig(settings);
    }

    /**
     * The raw producer's settings: what {@code KafkaRunPublisher} sets on its own producer — idempotence,
     * {@code acks=all}, and unless configured otherwise {@code linger.ms=5} and lz4 — over the same
     * {@code kafka.producer.*} settings.
     */
    public static Map<String, Object> rawProducerProperties(RunstreamConfig config) {
        Map<String, Object> props = new HashMap<>(config.clientProperties("producer"));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return props;
    }

    /**
     * The raw consumer's settings: those of {@code RunSubscriber}'s consumers (committed records only, no group),
     * and never creating a topic by asking for it.
     */
    public static Map<String, Object> rawConsumerProperties(RunstreamConfig config) {
        Map<String, Object> props = config.readCommittedConsumerProperties();
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    /**
     * Creates single-partition topics in one call, as the publisher's provisioner does (same retention), and waits
     * until each partition's leader answers, as the provisioner does before it writes.
     */
    public void createRunTopics(RunstreamConfig config, Collection<String> topics) {
        List<NewTopic> wanted = new ArrayList<>();
        Map<String, String> topicConfig = Map.of("retention.ms",
                Long.toString(config.getLong(RunstreamConfig.RUN_TOPIC_RETENTION_MS_CONFIG)));
        for (String topic : topics) {
            wanted.add(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(topicConfig));
        }
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        topics.forEach(topic -> partitions.put(new TopicPartition(topic, 0), OffsetSpec.latest()));
        try {
            admin.createTopics(wanted).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(partitions);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create " + topics.size() + " topics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Waits until every partition's leader answers ListOffsets. Right after a burst of creations the broker may not
     * list a new topic yet, and the admin client fails such a request at once: it is asked again.
     */
    private void awaitLeaders(Map<TopicPartition, OffsetSpec> partitions)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                admin.listOffsets(partitions).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Deletes every topic named {@code prefix.*} or {@code prefix-*} (a benchmark's topics and Streams' own). */
    public void deleteTopics(String prefix) {
        try {
            List<String> doomed = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .filter(topic -> topic.startsWith(prefix + ".") || topic.startsWith(prefix + "-")).toList();
            if (!doomed.isEmpty()) {
                admin.deleteTopics(doomed).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not delete the topics of " + prefix + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        registry.close();
        admin.close(Duration.ofSeconds(5));
        broker.close();
        deleteRecursively(dir);
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
