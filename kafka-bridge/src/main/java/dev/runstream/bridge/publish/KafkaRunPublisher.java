package dev.runstream.bridge.publish;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.config.RecordHeaders;
import dev.runstream.bridge.config.RunTopics;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.internal.PublishBatch;
import dev.runstream.bridge.publish.internal.PendingChunk;
import dev.runstream.bridge.publish.internal.RunTopicProvisioner;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.OutOfOrderChunkException;
import dev.runstream.core.RunIds;
import dev.runstream.core.RunstreamException;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.stream.ChunkSink;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka sink behind {@code RunWriter}: every chunk becomes a Confluent-framed Avro {@link ChunkRecord} on its
 * run's own topic {@code prefix.run.<runId>} (created on the run's first chunk), key = run id, headers with type,
 * transient flag and sequence number. In the ingest source mode each chunk is also written, in the same Kafka
 * transaction, to the shared {@code prefix.ingest} topic.
 *
 * <p>Order: chunks of a run are numbered and written in the order {@link #accept} is called. Back-pressure: at most
 * {@code publisher.max.in.flight.chunks} chunks are unacknowledged; a writer past that waits in {@code accept}.
 * Durability: idempotent producer, {@code acks=all}; a chunk's stage completes once Kafka has it. One sender thread
 * batches what writers hand over (topic creation in one call per batch, one transaction per batch in ingest mode).
 */
public final class KafkaRunPublisher implements ChunkSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRunPublisher.class);
    private static final int MAX_BATCH = 1000;
    /** Runs whose next sequence number is kept; an evicted run's is read again from its topic. */
    private static final int MAX_TRACKED_RUNS = 100_000;

    private final RunTopics topics;
    private final boolean transactional;
    private final Clock clock;
    private final Semaphore inFlight;
    private final LinkedBlockingQueue<PendingChunk> queue = new LinkedBlockingQueue<>();
    private final ConfluentAvroSerde<ChunkRecord> serde;
    private final Admin admin;
    private final RunTopicProvisioner provisioner;
    /** The next sequence number of each run this publisher has written to lately; sender thread only. */
    private final Map<String, Long> nextSequence = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_TRACKED_RUNS;
        }
    };
    /** Runs whose numbering must be read again from their topic after a failed write. */
    private final Set<String> resync = ConcurrentHashMap.newKeySet();
    private final Thread sender;
    private final Map<String, Object> producerProps;
    private KafkaProducer<String, byte[]> producer;
    private volatile boolean closing;

    public KafkaRunPublisher(RunstreamConfig config, SchemaRegistryClient registry) {
        this(config, registry, Clock.systemUTC());
    }

    public KafkaRunPublisher(RunstreamConfig config, SchemaRegistryClient registry, Clock clock) {
        this.topics = config.topics();
        this.clock = clock;
        this.transactional = RunstreamConfig.SOURCE_MODE_INGEST.equals(
                config.getString(RunstreamConfig.SOURCE_MODE_CONFIG));
        this.inFlight = new Semaphore(config.getInt(RunstreamConfig.PUBLISHER_MAX_IN_FLIGHT_CHUNKS_CONFIG));
        this.serde = new ConfluentAvroSerde<>(ChunkRecord.class, ChunkRecord.getClassSchema(), registry);
        this.serde.schemaId();
        this.admin = Admin.create(config.clientProperties("admin"));
        this.provisioner = new RunTopicProvisioner(config, admin);
        this.producerProps = new HashMap<>(config.clientProperties("producer"));
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        producerProps.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        if (transactional) {
            producerProps.putIfAbsent(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    topics.prefix() + "-publisher-" + java.util.UUID.randomUUID());
        }
        this.producer = newProducer();
        this.sender = Thread.ofPlatform().name("runstream-publisher").daemon().start(this::sendLoop);
        LOG.info("publisher started: prefix={}, mode={}", topics.prefix(), transactional ? "ingest" : "pattern");
    }

    private KafkaProducer<String, byte[]> newProducer() {
        KafkaProducer<String, byte[]> created = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer());
        if (transactional) {
            created.initTransactions();
        }
        return created;
    }

    /**
     * Hands a chunk of {@code runId} to Kafka. Waits while too many chunks are unacknowledged; the stage completes
     * with the chunk's sequence number in its run once Kafka has it, or fails naming the run and the reason.
     */
    @Override
    public CompletionStage<Long> accept(String runId, Chunk chunk) {
        return enqueue(runId, chunk, PendingChunk.ANY_SEQUENCE).thenApply(PublishedChunk::sequence);
    }

    /**
     * Hands a chunk to Kafka at a position the writer gives: the {@code sequence}-th chunk of its run (from 0). This
     * makes a writer's retries idempotent, across restarts and instances: a chunk whose position is already stored
     * is not written again (the stage completes with {@link PublishedChunk#duplicate()}), and one past the next free
     * position fails with {@link OutOfOrderChunkException} (a gap: an earlier chunk is missing). One writer per run.
     */
    public CompletionStage<PublishedChunk> acceptAt(String runId, long sequence, Chunk chunk) {
        if (sequence < 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("run '" + runId
                    + "': a chunk's sequence is >= 0, was " + sequence));
        }
        return enqueue(runId, chunk, sequence);
    }

    /**
     * Forgets what this publisher knows of {@code runId}'s numbering, so that its next chunk reads it again from the
     * run's topic: for a run erased or written by another publisher meanwhile.
     */
    public void forget(String runId) {
        resync.add(runId);
    }

    private CompletionStage<PublishedChunk> enqueue(String runId, Chunk chunk, long expectedSequence) {
        try {
            RunIds.requireValid(runId);
            Chunk own = chunk.attributedTo(runId);
            if (!own.runId().orElseThrow().equals(runId)) {
                throw new IllegalArgumentException("chunk of run '" + own.runId().orElseThrow()
                        + "' written to run '" + runId + "'");
            }
            if (closing) {
                throw new IllegalStateException("the publisher is closed");
            }
            inFlight.acquire();
            PendingChunk pending = new PendingChunk(runId, own, clock.instant(), expectedSequence,
                    new CompletableFuture<>());
            pending.result().whenComplete((published, error) -> inFlight.release());
            queue.add(pending);
            return pending.result().copy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new RunstreamException("run '" + runId
                    + "': interrupted while waiting to publish", e));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The Kafka producer's metrics (client-level and per topic), for monitoring. */
    public Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
        return producer.metrics();
    }

    private void sendLoop() {
        while (!closing || !queue.isEmpty()) {
            try {
                PendingChunk first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                PublishBatch batch = new PublishBatch(first);
                queue.drainTo(batch.chunks(), MAX_BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("publisher sender failed; its batch was failed and it goes on", e);
            }
        }
        failRemaining(new IllegalStateException("the publisher is closed"));
    }

    private void send(PublishBatch batch) {
        provisionNewRuns(batch);
        if (!transactional) {
            batch.chunks().forEach(this::sendOne);
            return;
        }
        try {
            producer.beginTransaction();
            Map<PendingChunk, Long> sequences = new LinkedHashMap<>();
            batch.chunks().forEach(pending -> sequences.put(pending, sendOne(pending)));
            producer.commitTransaction();
            sequences.forEach((pending, sequence) -> pending.result().complete(
                    new PublishedChunk(pending.runId(), sequence, false)));
        } catch (ProducerFencedException e) {
            batch.failAll(new RunstreamException("publisher fenced by another with its transactional id", e));
            resync.addAll(batch.runIds());
            producer.close(Duration.ZERO);
            producer = newProducer();
        } catch (KafkaException e) {
            LOG.warn("transaction of {} chunks failed; aborting it", batch.chunks().size(), e);
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailure) {
                producer.close(Duration.ZERO);
                producer = newProducer();
            }
            batch.failAll(new RunstreamException("the transaction failed and was aborted: " + e, e));
            resync.addAll(batch.runIds());
        }
    }

    private void provisionNewRuns(PublishBatch batch) {
        for (String runId : batch.runIds()) {
            if (resync.remove(runId)) {
                nextSequence.remove(runId);
            }
        }
        List<String> unknown = batch.runIds().stream().filter(run -> !nextSequence.containsKey(run)).toList();
        if (unknown.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Object> entry : provisioner.provision(unknown).entrySet()) {
            if (entry.getValue() instanceof Long next) {
                nextSequence.put(entry.getKey(), next);
            } else {
                batch.failRun(entry.getKey(), (RuntimeException) entry.getValue());
            }
        }
    }

    /**
     * Sends one chunk and returns its sequence number. Outside a transaction the chunk's stage completes on the
     * broker's acknowledgement; inside one, on commit.
     */
    private long sendOne(PendingChunk pending) {
        if (pending.result().isDone()) {
            return -1;
        }
        String runId = pending.runId();
        if (pending.expectedSequence() != PendingChunk.ANY_SEQUENCE) {
            long next = nextSequence.get(runId);
            if (pending.expectedSequence() < next) {
                pending.result().complete(new PublishedChunk(runId, pending.expectedSequence(), true));
                return -1;
            }
            if (pending.expectedSequence() > next) {
                pending.result().completeExceptionally(new OutOfOrderChunkException(runId, next,
                        pending.expectedSequence()));
                return -1;
            }
        }
        long sequence = nextSequence.merge(runId, 1L, Long::sum) - 1;
        StoredChunk stored = new StoredChunk(runId, sequence, pending.timestamp(), pending.chunk());
        byte[] value = serde.encode(ChunkRecordMapper.toRecord(stored));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.runTopic(runId), null,
                pending.timestamp().toEpochMilli(), runId, value);
        RecordHeaders.put(record.headers(), RecordHeaders.TYPE, pending.chunk().type());
        RecordHeaders.put(record.headers(), RecordHeaders.TRANSIENT, Boolean.toString(pending.chunk().isTransient()));
        RecordHeaders.put(record.headers(), RecordHeaders.SEQUENCE, Long.toString(sequence));
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                resync.add(runId);
                pending.result().completeExceptionally(new RunstreamException("run '" + runId + "': chunk "
                        + sequence + " (" + pending.chunk().type() + ") was not stored: " + error, error));
            } else if (!transactional) {
                pending.result().complete(new PublishedChunk(runId, sequence, false));
            }
        });
        if (transactional) {
            producer.send(new ProducerRecord<>(topics.ingest(), null, record.timestamp(), runId, value,
                    record.headers()));
        }
        return sequence;
    }

    private void failRemaining(RuntimeException error) {
        PendingChunk pending;
        while ((pending = queue.poll()) != null) {
            pending.result().completeExceptionally(error);
        }
    }

    /** Waits until every chunk handed over so far is acknowledged or failed. */
    public void flush() {
        CompletableFuture<?>[] pending = queue.stream().map(PendingChunk::result).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(pending).exceptionally(error -> null).join();
        producer.flush();
    }

    /** Sends what was handed over, then closes the Kafka clients. */
    @Override
    public void close() {
        closing = true;
        try {
            sender.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        provisioner.close();
        admin.close(Duration.ofSeconds(5));
        LOG.info("publisher closed");
    }
}
