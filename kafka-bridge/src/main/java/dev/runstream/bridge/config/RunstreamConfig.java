package dev.runstream.bridge.config;

import dev.runstream.bridge.wire.RunTopics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Runstream's settings, declared once with name, type, default, validator and doc (Kafka's {@link ConfigDef}
 * convention). Kafka client settings pass through by prefix: {@code kafka.*} to every client,
 * {@code kafka.producer.*}, {@code kafka.consumer.*}, {@code kafka.admin.*} and {@code kafka.streams.*} to one
 * kind (TLS and SASL settings go there). Construction validates every setting and reports every bad one at once
 * ({@link SettingErrors}), then the rules that tie settings together, one at a time.
 */
public final class RunstreamConfig extends AbstractConfig {

    public static final String PREFIX_CONFIG = "prefix";
    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";
    public static final String SCHEMA_REGISTRY_BEARER_TOKEN_CONFIG = "schema.registry.bearer.token";
    public static final String RUN_TOPIC_REPLICATION_FACTOR_CONFIG = "run.topic.replication.factor";
    public static final String RUN_TOPIC_MIN_INSYNC_REPLICAS_CONFIG = "run.topic.min.insync.replicas";
    public static final String RUN_TOPIC_RETENTION_MS_CONFIG = "run.topic.retention.ms";
    public static final String RUN_TOPIC_DELETE_AFTER_MS_CONFIG = "run.topic.delete.after.ms";
    public static final String RUN_TOPIC_REAP_INTERVAL_MS_CONFIG = "run.topic.reap.interval.ms";
    public static final String RUN_TOPIC_REAP_BATCH_SIZE_CONFIG = "run.topic.reap.batch.size";
    public static final String CHUNKS_TOPIC_PARTITIONS_CONFIG = "chunks.topic.partitions";
    public static final String INGEST_TOPIC_PARTITIONS_CONFIG = "ingest.topic.partitions";
    public static final String SHARED_TOPIC_REPLICATION_FACTOR_CONFIG = "shared.topic.replication.factor";
    public static final String SOURCE_MODE_CONFIG = "source.mode";
    public static final String RUN_LAYOUT_CONFIG = "run.layout";
    public static final String RUNS_TOPIC_PARTITIONS_CONFIG = "runs.topic.partitions";
    public static final String RUNS_TOPIC_RETENTION_MS_CONFIG = "runs.topic.retention.ms";
    public static final String APPLICATION_ID_CONFIG = "aggregator.application.id";
    public static final String PROCESSING_GUARANTEE_CONFIG = "aggregator.processing.guarantee";
    public static final String AGGREGATOR_METADATA_MAX_AGE_MS_CONFIG = "aggregator.metadata.max.age.ms";
    public static final String AGGREGATOR_COMMIT_INTERVAL_MS_CONFIG = "aggregator.commit.interval.ms";
    public static final String PUBLISHER_MAX_IN_FLIGHT_CHUNKS_CONFIG = "publisher.max.in.flight.chunks";
    public static final String LIVE_ERROR_GRACE_MS_CONFIG = "live.error.grace.ms";
    public static final String LIVE_FANOUT_CONSUMERS_CONFIG = "live.fanout.consumers";
    public static final String LIVE_WINDOW_CHUNKS_CONFIG = "live.window.chunks";
    /** Settings that were renamed, refused with their new name so that a configuration does not silently lose them. */
    private static final Map<String, String> RENAMED = Map.of(
            "subscriber.error.grace.ms", LIVE_ERROR_GRACE_MS_CONFIG,
            "subscriber.fanout.consumers", LIVE_FANOUT_CONSUMERS_CONFIG,
            "http.fanout.consumers", LIVE_FANOUT_CONSUMERS_CONFIG,
            "subscriber.window.chunks", LIVE_WINDOW_CHUNKS_CONFIG,
            "http.sse.window.chunks", LIVE_WINDOW_CHUNKS_CONFIG);
    public static final String RUN_ABANDON_AFTER_MS_CONFIG = "run.abandon.after.ms";
    public static final String ERASE_MAX_COMPACTION_LAG_MS_CONFIG = "erase.max.compaction.lag.ms";
    public static final String RUN_CANCEL_GRACE_MS_CONFIG = "run.cancel.grace.ms";

    /** {@link SourceMode#PATTERN}'s setting. */
    public static final String SOURCE_MODE_PATTERN = "pattern";
    /** {@link SourceMode#INGEST}'s setting. */
    public static final String SOURCE_MODE_INGEST = "ingest";
    /** {@link RunLayout#TOPIC_PER_RUN}'s setting. */
    public static final String RUN_LAYOUT_TOPIC_PER_RUN = "topic-per-run";
    /** {@link RunLayout#SHARED}'s setting. */
    public static final String RUN_LAYOUT_SHARED = "shared";
    /** The default of {@value #RUN_TOPIC_DELETE_AFTER_MS_CONFIG} (ingest source). */
    public static final long DEFAULT_RUN_TOPIC_DELETE_AFTER_MS = 30_000L;

    public static final ConfigDef CONFIG = new ConfigDef()
            .define(PREFIX_CONFIG, Type.STRING, "runstream", (name, value) -> {
                try {
                    RunTopics.requireValidPrefix((String) value);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }, Importance.HIGH, "Prefix of every Runstream topic.")
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, "", Importance.HIGH,
                    "Kafka bootstrap servers; empty: start the embedded broker.")
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, "", Importance.HIGH,
                    "Base URL of a Confluent-compatible schema registry; empty: the embedded registry, which keeps "
                            + "its schemas in the compacted topic <prefix>._schemas.")
            .define(SCHEMA_REGISTRY_USER_INFO_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                    "user:password for the registry's basic auth.")
            .define(SCHEMA_REGISTRY_BEARER_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                    "Bearer token for the registry.")
            .define(RUN_TOPIC_REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) -1, Importance.MEDIUM,
                    "Replication factor of per-run topics; -1: the broker's default.")
            .define(RUN_TOPIC_MIN_INSYNC_REPLICAS_CONFIG, Type.INT, -1, Importance.MEDIUM,
                    "min.insync.replicas of per-run topics; -1: the broker's default.")
            .define(RUN_TOPIC_RETENTION_MS_CONFIG, Type.LONG, 7L * 24 * 60 * 60 * 1000, Range.atLeast(-1),
                    Importance.MEDIUM, "retention.ms of per-run topics; -1: keep forever.")
            .define(RUN_TOPIC_DELETE_AFTER_MS_CONFIG, Type.LONG, DEFAULT_RUN_TOPIC_DELETE_AFTER_MS, Range.atLeast(-1),
                    Importance.MEDIUM,
                    "Delete a run's topic once the run's stream has ended (its summary is no longer running) and no "
                            + "chunk came for this long; -1: never (retention only). The run stays readable from "
                            + "<prefix>.chunks (replay, SSE, resume) and its summary stays. Needs source.mode=ingest: "
                            + "under the pattern source a deleted topic stalls the aggregator, so there the default "
                            + "is -1 and any other value is refused.")
            .define(RUN_TOPIC_REAP_INTERVAL_MS_CONFIG, Type.LONG, 5_000L, Range.atLeast(100), Importance.LOW,
                    "How often finished runs' topics are looked for to delete (see run.topic.delete.after.ms).")
            .define(RUN_TOPIC_REAP_BATCH_SIZE_CONFIG, Type.INT, 1000, Range.between(1, 10_000), Importance.LOW,
                    "Run topics deleted per DeleteTopics request; a round deletes its topics in batches of this "
                            + "size, one after the other.")
            .define(CHUNKS_TOPIC_PARTITIONS_CONFIG, Type.INT, 12, Range.atLeast(1), Importance.MEDIUM,
                    "Partitions of <prefix>.chunks and <prefix>.run-summaries: the aggregator's unit of scale.")
            .define(INGEST_TOPIC_PARTITIONS_CONFIG, Type.INT, 12, Range.atLeast(1), Importance.MEDIUM,
                    "Partitions of <prefix>.ingest (ingest source mode).")
            .define(SHARED_TOPIC_REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) -1, Importance.MEDIUM,
                    "Replication factor of the shared topics (chunks, summaries, ingest, dead letters); -1: the "
                            + "broker's default.")
            .define(SOURCE_MODE_CONFIG, Type.STRING, SOURCE_MODE_INGEST,
                    ValidString.in(SOURCE_MODE_INGEST, SOURCE_MODE_PATTERN), Importance.HIGH,
                    "Where the aggregator reads chunks: 'ingest' (the shared ingest topic, written in the same "
                            + "transaction as the run topic) or 'pattern' (every run topic; run topics are then kept "
                            + "until their retention).")
            .define(RUN_LAYOUT_CONFIG, Type.STRING, RUN_LAYOUT_TOPIC_PER_RUN,
                    ValidString.in(RUN_LAYOUT_TOPIC_PER_RUN, RUN_LAYOUT_SHARED), Importance.HIGH,
                    "Where runs' chunks are written: 'topic-per-run' (a topic per run, <prefix>.run.<runId>, deleted "
                            + "after the run ended) or 'shared' (every run in the many-partition <prefix>.runs, "
                            + "keyed and partitioned by run id; no topic per run). Needs source.mode=ingest.")
            .define(RUNS_TOPIC_PARTITIONS_CONFIG, Type.INT, 24, Range.atLeast(1), Importance.MEDIUM,
                    "Partitions of <prefix>.runs (shared layout): a reader of one run skips the records of the "
                            + "other runs of its partition, so more partitions make one run's read cheaper.")
            .define(RUNS_TOPIC_RETENTION_MS_CONFIG, Type.LONG, 24L * 60 * 60 * 1000, Range.atLeast(-1),
                    Importance.MEDIUM, "retention.ms of <prefix>.runs (shared layout), applied when it is created: "
                            + "how long a run's transient chunks can be read; its persisted chunks stay in "
                            + "<prefix>.chunks. -1: keep forever.")
            .define(APPLICATION_ID_CONFIG, Type.STRING, "", Importance.MEDIUM,
                    "Kafka Streams application.id of the aggregator; empty: <prefix>-aggregator.")
            .define(PROCESSING_GUARANTEE_CONFIG, Type.STRING, "exactly_once_v2",
                    ValidString.in("exactly_once_v2", "at_least_once"), Importance.MEDIUM,
                    "Kafka Streams processing.guarantee of the aggregator.")
            .define(AGGREGATOR_METADATA_MAX_AGE_MS_CONFIG, Type.LONG, 1000L, Range.atLeast(100), Importance.MEDIUM,
                    "metadata.max.age.ms of the aggregator's consumers: how soon a new run topic is seen.")
            .define(AGGREGATOR_COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 100L, Range.atLeast(10), Importance.MEDIUM,
                    "commit.interval.ms of the aggregator: with exactly-once, how soon a summary is visible.")
            .define(PUBLISHER_MAX_IN_FLIGHT_CHUNKS_CONFIG, Type.INT, 10_000, Range.atLeast(1), Importance.MEDIUM,
                    "Chunks a publisher holds unacknowledged before a writer waits.")
            .define(LIVE_ERROR_GRACE_MS_CONFIG, Type.LONG, 2000L, Range.atLeast(0), Importance.LOW,
                    "How long a live reader (a Java subscription, an SSE stream) waits after an error chunk for "
                            + "more before its stream ends.")
            .define(LIVE_FANOUT_CONSUMERS_CONFIG, Type.INT, 2, Range.between(1, 64), Importance.MEDIUM,
                    "Kafka consumers shared by every live reader of a process (Java subscriptions of a "
                            + "RunSubscriber, SSE streams of serve), however many they are.")
            .define(LIVE_WINDOW_CHUNKS_CONFIG, Type.INT, 20_000, Range.atLeast(16), Importance.MEDIUM,
                    "How many of a followed run's latest chunks are held in memory for its live readers; an SSE "
                            + "reader further behind is cut with an error event and can resume with Last-Event-ID, "
                            + "a Java subscription follows again from where it was.")
            .define(RUN_ABANDON_AFTER_MS_CONFIG, Type.LONG, 10L * 60 * 1000, minusOneOrPositive(), Importance.MEDIUM,
                    "How long a running run may go without a chunk before the aggregator marks its summary "
                            + "'abandoned' (its writer is taken to be gone; a chunk that comes later resumes the run). "
                            + "Measured from the writer's timestamp of the last chunk to the aggregator's clock, "
                            + "checked every tenth of this time (at least every 60 s, at most every second). "
                            + "Suspended, paused, waiting and pending runs wait for a person or an event and are "
                            + "never abandoned. -1: never.")
            .define(RUN_CANCEL_GRACE_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(100), Importance.MEDIUM,
                    "How long a run's writer has, after a cancel request, to end the run itself (Mastra's abort "
                            + "and finish). A run still not ended by then is ended for it: the serve instance that "
                            + "holds the run's summary writes an abort and a finish (a workflow: workflow-canceled "
                            + "and workflow-finish) to the run, so that its summary says canceled and its readers "
                            + "see the end.")
            .define(ERASE_MAX_COMPACTION_LAG_MS_CONFIG, Type.LONG, 24L * 60 * 60 * 1000, minusOneOrPositive(),
                    Importance.LOW,
                    "max.compaction.lag.ms of the compacted topics the aggregator creates (<prefix>.chunks, "
                            + "<prefix>.run-summaries and its summary store's changelog): how long an erased run's "
                            + "records may stay on the brokers' disks after their tombstones. Applied when a topic "
                            + "is created. -1: the broker's default, under which a quiet topic may never be "
                            + "compacted.");

    /** A duration setting that is -1 (off, or the broker's default) or at least 1 ms. */
    private static ConfigDef.Validator minusOneOrPositive() {
        return (name, value) -> {
            if (value instanceof Long ms && ms != -1 && ms < 1) {
                throw new ConfigException(name, value, "must be -1 or at least 1");
            }
        };
    }

    public RunstreamConfig(Map<?, ?> originals) {
        super(CONFIG, SettingErrors.requireValid(CONFIG, refuseRenamed(originals)), false);
        if (sourceMode() == SourceMode.PATTERN && originals.containsKey(RUN_TOPIC_DELETE_AFTER_MS_CONFIG)
                && getLong(RUN_TOPIC_DELETE_AFTER_MS_CONFIG) >= 0) {
            throw new ConfigException(RUN_TOPIC_DELETE_AFTER_MS_CONFIG, getLong(RUN_TOPIC_DELETE_AFTER_MS_CONFIG),
                    "deleting run topics needs source.mode=ingest: a topic deleted under the aggregator's pattern "
                            + "subscription stalls every run's processing until the consumer's offset commit times out");
        }
        if (runLayout() == RunLayout.SHARED && sourceMode() == SourceMode.PATTERN) {
            throw new ConfigException(SOURCE_MODE_CONFIG, SOURCE_MODE_PATTERN, "run.layout=shared has no run topics "
                    + "for the pattern source to read: the aggregator reads <prefix>.runs (source.mode=ingest)");
        }
    }

    private static Map<?, ?> refuseRenamed(Map<?, ?> originals) {
        for (Map.Entry<String, String> renamed : RENAMED.entrySet()) {
            if (originals.containsKey(renamed.getKey())) {
                throw new ConfigException(renamed.getKey() + " is now " + renamed.getValue() + ": one setting for "
                        + "every live reader (Java subscriptions and SSE streams); rename it");
            }
        }
        return originals;
    }

    public RunLayout runLayout() {
        return RunLayout.of(getString(RUN_LAYOUT_CONFIG));
    }

    public SourceMode sourceMode() {
        return SourceMode.of(getString(SOURCE_MODE_CONFIG));
    }

    /**
     * How long after its last chunk the topic of a run that is no longer running is deleted; empty when run topics
     * are kept (until retention): {@value #RUN_TOPIC_DELETE_AFTER_MS_CONFIG} -1, or the pattern source; or there are
     * none (the shared layout).
     */
    public java.util.Optional<java.time.Duration> runTopicDeleteAfter() {
        long ms = getLong(RUN_TOPIC_DELETE_AFTER_MS_CONFIG);
        return ms < 0 || sourceMode() == SourceMode.PATTERN || runLayout() == RunLayout.SHARED
                ? java.util.Optional.empty()
                : java.util.Optional.of(java.time.Duration.ofMillis(ms));
    }

    public RunTopics topics() {
        return new RunTopics(getString(PREFIX_CONFIG));
    }

    public boolean embeddedBroker() {
        return getString(BOOTSTRAP_SERVERS_CONFIG).isBlank();
    }

    public String applicationId() {
        String id = getString(APPLICATION_ID_CONFIG);
        return id.isBlank() ? getString(PREFIX_CONFIG) + "-aggregator" : id;
    }

    public Password registryUserInfo() {
        return getPassword(SCHEMA_REGISTRY_USER_INFO_CONFIG);
    }

    /**
     * Client properties for one kind of client: the bootstrap servers, then {@code kafka.*}, then
     * {@code kafka.<kind>.*} (the more specific wins).
     */
    public Map<String, Object> clientProperties(String kind) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", getString(BOOTSTRAP_SERVERS_CONFIG));
        for (Map.Entry<String, Object> entry : originalsWithPrefix("kafka.").entrySet()) {
            if (!entry.getKey().startsWith("producer.") && !entry.getKey().startsWith("consumer.")
                    && !entry.getKey().startsWith("admin.") && !entry.getKey().startsWith("streams.")) {
                props.put(entry.getKey(), entry.getValue());
            }
        }
        props.putAll(originalsWithPrefix("kafka." + kind + "."));
        return props;
    }

    /**
     * Properties of a consumer that reads by assignment, without a group: committed records only, nothing
     * committed back ({@code kafka.*} and {@code kafka.consumer.*} pass through, but no {@code group.id}). It never
     * makes the broker create a topic it asks about ({@code allow.auto.create.topics=false}): Kafka brokers create
     * missing topics on a metadata request by default, which would bring back a run topic that was just deleted.
     */
    public Map<String, Object> readCommittedConsumerProperties() {
        Map<String, Object> props = clientProperties("consumer");
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", false);
        props.put("allow.auto.create.topics", false);
        props.remove("group.id");
        return props;
    }

    /** This configuration with other bootstrap servers (e.g. the embedded broker's address once it runs). */
    public RunstreamConfig withBootstrapServers(String bootstrapServers) {
        Map<String, Object> copy = new HashMap<>(originals());
        copy.put(BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new RunstreamConfig(copy);
    }
}
