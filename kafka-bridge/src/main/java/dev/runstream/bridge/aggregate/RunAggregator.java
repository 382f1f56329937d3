package dev.runstream.bridge.aggregate;

import dev.runstream.bridge.aggregate.internal.AggregatorProperties;
import dev.runstream.bridge.aggregate.internal.RunActivityIndexes;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.core.RunIds;
import dev.runstream.core.fold.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run aggregator: {@link RunAggregationTopology} on a {@link KafkaStreams} instance, with an explicit lifecycle
 * ({@link State}) and interactive queries of the run summaries it holds.
 *
 * <p>Instances with the same {@code aggregator.application.id} share the work by the partitions of
 * {@code {prefix}.chunks}; each holds the summaries of its own partitions. {@link #ownerOf(String)} names the
 * instance that holds a run's summary when every instance sets {@code kafka.streams.application.server}.
 * A stream thread that dies is logged at ERROR and replaced.
 */
public final class RunAggregator implements AutoCloseable {

    /** The lifecycle: {@code CREATED → RUNNING → STOPPING → STOPPED}, or {@code CREATED → STOPPED}. */
    public enum State { CREATED, RUNNING, STOPPING, STOPPED }

    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(RunAggregator.class);

    private final RunstreamConfig config;
    private final String storeName;
    private final KafkaStreams streams;
    private final RunActivityIndexes indexes = new RunActivityIndexes();
    private volatile boolean listIndexed;
    /** This instance's {@code application.server}, when set. */
    private final Optional<HostInfo> self;
    private volatile State state = State.CREATED;

    /**
     * The Kafka Streams settings the aggregator runs with for {@code config} (processing guarantee, commit interval,
     * metadata age, group protocol, and the {@code kafka.streams.*} settings), for a Streams application that should
     * run as the aggregator does.
     *
     * @throws org.apache.kafka.common.config.ConfigException when the aggregator's Streams settings are invalid
     */
    public static Properties streamsProperties(RunstreamConfig config) {
        return AggregatorProperties.of(config);
    }

    /**
     * Builds the topology and the Streams client; nothing connects before {@link #start()}.
     *
     * @throws org.apache.kafka.common.config.ConfigException when the Streams settings are invalid
     */
    public RunAggregator(RunstreamConfig config, SchemaRegistryClient registry) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(registry, "registry");
        this.storeName = config.topics().summaryStore();
        Properties props = AggregatorProperties.of(config);
        Object server = props.get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        this.self = server == null || server.toString().isBlank() ? Optional.empty()
                : Optional.of(HostInfo.buildFromEndpoint(server.toString()));
        this.streams = new KafkaStreams(RunAggregationTopology.build(config, registry, indexes),
                new StreamsConfig(props));
        streams.setUncaughtExceptionHandler(this::onStreamThreadFailure);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR) {
                LOG.error("Aggregator {} stopped processing: Kafka Streams went from {} to {}",
                        config.applicationId(), before, now);
            } else {
                LOG.debug("Aggregator {}: Kafka Streams {} -> {}", config.applicationId(), before, now);
            }
        });
    }

    /**
     * Creates the aggregator's topics where missing ({@link RunAggregationTopology#createTopics}) and starts
     * processing.
     *
     * @throws IllegalStateException when not {@link State#CREATED}
     * @throws dev.runstream.core.RunstreamException when the topics can be neither created nor found
     */
    public synchronized RunAggregator start() {
        if (state != State.CREATED) {
            throw new IllegalStateException("aggregator " + config.applicationId() + " is " + state
                    + "; only a CREATED aggregator starts");
        }
        try (Admin admin = Admin.create(config.clientProperties("admin"))) {
            List<String> created = RunAggregationTopology.createTopics(admin, config);
            if (!created.isEmpty()) {
                LOG.info("Aggregator {} created topics {}", config.applicationId(), created);
            }
        }
        streams.start();
        state = State.RUNNING;
        LOG.info("Aggregator {} started: source.mode={}, processing.guarantee={}, prefix={}", config.applicationId(),
                config.sourceMode().setting(),
                config.getString(RunstreamConfig.PROCESSING_GUARANTEE_CONFIG), config.topics().prefix());
        return this;
    }

    /**
     * Stops processing, leaving the consumer group so that the other instances take over at once, and waits up to
     * {@code timeout}. Closing a stopped aggregator does nothing.
     *
     * @return whether every thread stopped within {@code timeout}
     */
    public boolean close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        synchronized (this) {
            if (state == State.STOPPING || state == State.STOPPED) {
                return true;
            }
            state = State.STOPPING;
        }
        LOG.info("Aggregator {} stopping", config.applicationId());
        boolean stopped = streams.close(CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        state = State.STOPPED;
        if (stopped) {
            LOG.info("Aggregator {} stopped", config.applicationId());
        } else {
            LOG.warn("Aggregator {} did not stop within {}", config.applicationId(), timeout);
        }
        return stopped;
    }

    /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    public State state() {
        return state;
    }

    /** The state of the Kafka Streams client: {@code RUNNING} once tasks are assigned and restored. */
    public KafkaStreams.State streamsState() {
        return streams.state();
    }

    /**
     * The summary of {@code runId}, if this instance holds it. A run held by another instance is absent here: see
     * {@link #ownerOf(String)}.
     *
     * @throws dev.runstream.core.InvalidRunIdException when {@code runId} cannot be a run id
     * @throws AggregatorUnavailableException when the store cannot be read now (not running, rebalancing)
     */
    public Optional<RunSummary> summary(String runId) {
        RunIds.requireValid(runId);
        return Optional.ofNullable(read(store -> store.get(runId), true));
    }

    /**
     * The summary of {@code runId} as this instance's running tasks have it, never from a store that is still
     * being restored: what a writer's numbering may rest on. Empty when this instance holds no summary of the run.
     *
     * @throws AggregatorUnavailableException when the store cannot be read now (not running, rebalancing)
     */
    public Optional<RunSummary> currentSummary(String runId) {
        RunIds.requireValid(runId);
        return Optional.ofNullable(read(store -> store.get(runId), false));
    }

    /**
     * The current summaries ({@link #currentSummary}) of those of {@code runIds} that this instance holds
     * ({@link #holds}), read from one look-up of the store: what the topic reaper asks each round, for every run topic
     * there is, without asking Kafka Streams for its store once per run.
     *
     * @throws AggregatorUnavailableException when the store cannot be read now (not running, rebalancing)
     */
    public java.util.Map<String, RunSummary> currentSummaries(java.util.Collection<String> runIds) {
        java.util.List<String> held = runIds.stream().filter(this::holds).toList();
        if (held.isEmpty()) {
            return java.util.Map.of();
        }
        return read(store -> {
            java.util.Map<String, RunSummary> found = new java.util.HashMap<>();
            for (String runId : held) {
                RunSummary summary = store.get(runId);
                if (summary != null) {
                    found.put(runId, summary);
                }
            }
            return found;
        }, false);
    }

    /**
     * Whether this instance is the active owner of the summary of {@code runId}: its {@code application.server} is
     * the one Kafka Streams names for the run's key. Without {@code kafka.streams.application.server} (one instance
     * alone), a running aggregator owns every run.
     */
    public boolean holds(String runId) {
        RunIds.requireValid(runId);
        if (state != State.RUNNING || streams.state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        if (self.isEmpty()) {
            return true;
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(storeName, runId, Serdes.String().serializer());
        return metadata != null && !metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)
                && metadata.activeHost().equals(self.get());
    }

    /**
     * Up to {@code limit} of the summaries this instance holds, in no particular order.
     *
     * @throws IllegalArgumentException when {@code limit} is negative
     * @throws AggregatorUnavailableException when the store cannot be read now (not running, rebalancing)
     */
    public List<RunSummary> summaries(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        return read(store -> {
            List<RunSummary> out = new ArrayList<>();
            try (KeyValueIterator<String, RunSummary> all = store.all()) {
                while (out.size() < limit && all.hasNext()) {
                    KeyValue<String, RunSummary> next = all.next();
                    out.add(next.value);
                }
            }
            return out;
        }, true);
    }

    /**
     * A page of the run list from the summaries this instance holds, in the list's order ({@link RunListQuery}).
     * Answered from the tasks' {@link RunActivityIndex}es, which cost the page; while a task's index is still being
     * built after it started (a bounded number of summaries per commit interval), from a read of every summary.
     *
     * @throws AggregatorUnavailableException when the store cannot be read now (not running, rebalancing)
     */
    public List<RunSummary> list(RunListQuery query) {
        Optional<List<RunActivityIndex>> indexed = localFoldTasks().flatMap(indexes::completeFor);
        if (indexed.isEmpty()) {
            Comparator<RunSummary> order = Comparator.comparing(RunAggregator::activity).reversed()
                    .thenComparing(RunSummary::runId);
            return summaries(Integer.MAX_VALUE).stream().filter(summary -> matches(query, summary))
                    .sorted(order).limit(query.limit()).toList();
        }
        if (!listIndexed) {
            listIndexed = true;
            LOG.info("Aggregator {}: the run list is answered from its index now ({} runs in {} task(s))",
                    config.applicationId(), indexed.get().stream().mapToInt(RunActivityIndex::size).sum(),
                    indexed.get().size());
        }
        RunActivityIndex.Entry after = query.after().map(cursor -> new RunActivityIndex.Entry(
                cursor.activity().toEpochMilli(), cursor.runId(), null)).orElse(null);
        List<RunActivityIndex.Entry> entries = new ArrayList<>();
        for (RunActivityIndex index : indexed.get()) {
            entries.addAll(index.page(query.statuses(), query.idContains(), after, query.limit()));
        }
        entries.sort(RunActivityIndex.LIST_ORDER);
        List<RunActivityIndex.Entry> page = entries.size() > query.limit() ? entries.subList(0, query.limit())
                : entries;
        return read(store -> {
            List<RunSummary> out = new ArrayList<>(page.size());
            for (RunActivityIndex.Entry entry : page) {
                RunSummary summary = store.get(entry.runId());
                if (summary != null) {
                    out.add(summary);
                }
            }
            return out;
        }, true);
    }

    private static Instant activity(RunSummary summary) {
        return summary.lastChunkAt().map(at -> Instant.ofEpochMilli(at.toEpochMilli())).orElse(Instant.EPOCH);
    }

    private static boolean matches(RunListQuery query, RunSummary summary) {
        if (!query.statuses().isEmpty() && !query.statuses().contains(summary.status())) {
            return false;
        }
        if (!summary.runId().contains(query.idContains())) {
            return false;
        }
        return query.after().map(cursor -> RunActivityIndex.LIST_ORDER.compare(
                new RunActivityIndex.Entry(cursor.activity().toEpochMilli(), cursor.runId(), null),
                new RunActivityIndex.Entry(activity(summary).toEpochMilli(), summary.runId(), null)) < 0)
                .orElse(true);
    }

    /** The active tasks of this instance that fold runs (they read {@code {prefix}.chunks}); empty while unknown. */
    private Optional<Set<TaskId>> localFoldTasks() {
        if (state != State.RUNNING || streams.state() != KafkaStreams.State.RUNNING) {
            return Optional.empty();
        }
        String chunks = config.topics().chunks();
        Set<TaskId> tasks = new HashSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                if (task.topicPartitions().stream().anyMatch(partition -> partition.topic().equals(chunks))) {
                    tasks.add(task.taskId());
                }
            }
        }
        return Optional.of(tasks);
    }

    /**
     * The {@code application.server} of the instance that holds the summary of {@code runId}; empty when no
     * instance sets {@code kafka.streams.application.server}, or while the owner is not known (not running yet,
     * rebalancing).
     */
    public Optional<HostInfo> ownerOf(String runId) {
        RunIds.requireValid(runId);
        if (state != State.RUNNING) {
            return Optional.empty();
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(storeName, runId, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)
                || metadata.activeHost().equals(HostInfo.unavailable())) {
            return Optional.empty();
        }
        return Optional.of(metadata.activeHost());
    }

    /**
     * The hosts ({@code application.server}) of every instance that holds part of the run summaries, this one
     * included; empty when no instance sets {@code kafka.streams.application.server} or while not running.
     */
    public java.util.Set<HostInfo> instances() {
        if (state != State.RUNNING) {
            return java.util.Set.of();
        }
        java.util.Set<HostInfo> hosts = new java.util.HashSet<>();
        streams.streamsMetadataForStore(storeName).forEach(metadata -> {
            if (!metadata.hostInfo().equals(HostInfo.unavailable())) {
                hosts.add(metadata.hostInfo());
            }
        });
        return hosts;
    }

    /** The Kafka Streams client's metrics (its own, its threads' and its embedded clients'), for monitoring. */
    public java.util.Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
        return streams.metrics();
    }

    @Override
    public String toString() {
        return "RunAggregator[" + config.applicationId() + ", " + state + "]";
    }

    private interface StoreRead<T> {
        T apply(ReadOnlyKeyValueStore<String, RunSummary> store);
    }

    /**
     * Runs {@code query} on the local stores. With {@code allowStale}, a store is read while Kafka Streams
     * rebalances (KIP-535): a new run topic or instance does not make summaries unreadable meanwhile.
     */
    private <T> T read(StoreRead<T> query, boolean allowStale) {
        if (state != State.RUNNING) {
            throw new AggregatorUnavailableException("aggregator " + config.applicationId() + " is " + state);
        }
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, RunSummary>> parameters =
                    StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.keyValueStore());
            return query.apply(streams.store(allowStale ? parameters.enableStaleStores() : parameters));
        } catch (InvalidStateStoreException e) {
            throw new AggregatorUnavailableException("the run summaries of aggregator " + config.applicationId()
                    + " cannot be read now (Kafka Streams is " + streams.state() + "): " + e.getMessage(), e);
        }
    }

    private StreamThreadExceptionResponse onStreamThreadFailure(Throwable failure) {
        LOG.error("Aggregator {}: a stream thread failed and is replaced", config.applicationId(), failure);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
