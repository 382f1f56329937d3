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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * <p>Order: chunks of a run are numbered and written in the order {@link #accept} is called. Once a chunk of a run
 * fails, the run's later chunks fail too, without being written, until the writer calls {@link #resume(String)}: a
 * run's topic never holds a chunk under another chunk's sequence number. Back-pressure: at most
 * {@code publisher.max.in.flight.chunks} chunks are unacknowledged; a writer past that waits in {@code accept}.
 * Durability: {@code acks=all}, and one Kafka transaction per batch, so that a batch is stored whole or not at all:
 * an idempotent producer alone writes the batches after one that expired (delivery timeout), which left runs with a
 * chunk missing and the next ones stored. A chunk's stage completes once its transaction is committed. One sender
 * thread batches what writers hand over (topic creation in one call per batch, one transaction per batch).
 */
public final class KafkaRunPublisher implements ChunkSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRunPublisher.class);
    private static final int MAX_BATCH = 5000;
    /** Runs whose next sequence number is kept; an evicted run's is read again from its topic. */
    private static final int MAX_TRACKED_RUNS = 100_000;
    /** More than a record's batch, record and header overhead, so that a chunk Kafka would refuse is refused first. */
    private static final int RECORD_OVERHEAD = 256;

    private final RunTopics topics;
    /** Whether each chunk is also written to {@code prefix.ingest} (ingest source mode). */
    private final boolean ingest;
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
    /**
     * Runs whose write failed, with the sequence number of their first failed chunk (-1: failed before numbering).
     * Their later chunks fail without being written until {@link #resume(String)}.
     */
    private final Map<String, Long> broken = new ConcurrentHashMap<>();
    /** Runs whose numbering is to be read again from their topic ({@link #forget}). */
    private final Set<String> forgotten = ConcurrentHashMap.newKeySet();
    private final Thread sender;
    private final Map<String, Object> producerProps;
    /**
     * The producer refuses a larger record, and in a transaction that aborts the whole batch, every run's chunks in
     * it: such a chunk is refused before it is sent.
     */
    private final int maxRequestSize;
    /** The transactional producer; null after a failure left it unusable, made again when next needed. */
    private volatile KafkaProducer<String, byte[]> producer;
    /** The batch the sender thread is writing, for {@link #flush()}. */
    private volatile PublishBatch current;
    private volatile boolean closing;

    public KafkaRunPublisher(RunstreamConfig config, SchemaRegistryClient registry) {
        this(config, registry, Clock.systemUTC());
    }

    public KafkaRunPublisher(RunstreamConfig config, SchemaRegistryClient registry, Clock clock) {
        this.topics = config.topics();
        this.clock = clock;
        this.ingest = RunstreamConfig.SOURCE_MODE_INGEST.equals(
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
        producerProps.putIfAbsent(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                topics.prefix() + "-publisher-" + java.util.UUID.randomUUID());
        // A publisher that dies leaves its open transaction to time out, and read_committed readers of the runs it
        // was writing wait for that: 10 s, as Kafka Streams uses under exactly-once, rather than the producer's 60 s.
        producerProps.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        this.maxRequestSize = Integer.parseInt(String.valueOf(
                producerProps.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024)));
        this.producer = newProducer();
        this.sender = Thread.ofPlatform().name("runstream-publisher").daemon().start(this::sendLoop);
        LOG.info("publisher started: prefix={}, mode={}", topics.prefix(), ingest ? "ingest" : "pattern");
    }

    /**
     * A new transactional producer. Its {@code initTransactions} also ends what a previous producer with the same
     * transactional id left open (aborted, or committed if its commit had begun), so that a run's stored chunks are
     * settled when a writer resumes it.
     */
    private KafkaProducer<String, byte[]> newProducer() {
        KafkaProducer<String, byte[]> created = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer());
        try {
            created.initTransactions();
        } catch (RuntimeException e) {
            created.close(Duration.ZERO);
            throw e;
        }
        return created;
    }

    /** The producer, made again if a failure discarded it (sender thread only). */
    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> made = producer;
        if (made == null) {
            made = newProducer();
            producer = made;
        }
        return made;
    }

    private void discardProducer() {
        KafkaProducer<String, byte[]> discarded = producer;
        producer = null;
        if (discarded != null) {
            discarded.close(Duration.ZERO);
        }
    }

    /**
     * Hands a chunk of {@code runId} to Kafka. Waits while too many chunks are unacknowledged; the stage completes
     * with the chunk's sequence number in its run once Kafka has it, or fails with a {@link RunstreamException} naming
     * the run, the chunk and the reason. After a failure the run's later chunks fail too: see {@link #resume(String)}.
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
     * A run broken by a failed chunk must be resumed first ({@link #needsResume}, {@link #resume}).
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
     * run's topic (an erased run). Unlike {@link #resume} it writes and creates nothing.
     */
    public void forget(String runId) {
        forgotten.add(runId);
    }

    /** Whether a chunk of {@code runId} failed and the run's writer must {@link #resume} it before writing on. */
    public boolean needsResume(String runId) {
        return broken.containsKey(runId);
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
            PendingChunk pending = new PendingChunk(runId, own, clock.instant(), expectedSequence);
            pending.result().whenComplete((sequence, error) -> inFlight.release());
            queue.add(pending);
            return pending.result().copy()
                    .thenApply(sequence -> new PublishedChunk(runId, sequence, pending.duplicate().get()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new RunstreamException("run '" + runId
                    + "': interrupted while waiting to publish", e));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The Kafka producer's metrics (client-level and per topic), for monitoring; empty while it is being replaced. */
    public Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
        KafkaProducer<String, byte[]> current = producer;
        return current == null ? Map.of() : current.metrics();
    }

    /**
     * Resumes writing a run after a chunk of it failed. From a run's first failed chunk on, every later chunk handed
     * to {@link #accept} fails without being written, so that nothing is stored after a missing chunk or under
     * another chunk's number. To go on, a writer lets every stage of the run it holds complete, calls this, and
     * writes its chunks again from the sequence number the stage completes with: one past the last chunk of the run
     * stored in Kafka (chunk {@code i} of a run written from its start is sequence {@code i}). Chunks of the run
     * handed over before this call and not yet written fail. The stage fails when the run's topic cannot be read now
     * (call again later) or when its last stored chunks are not numbered one by one (a chunk is missing).
     */
    public CompletionStage<Long> resume(String runId) {
        try {
            RunIds.requireValid(runId);
            if (closing) {
                throw new IllegalStateException("the publisher is closed");
            }
            PendingChunk request = PendingChunk.resumeOf(runId);
            queue.add(request);
            return request.result().copy();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void sendLoop() {
        while (!closing || !queue.isEmpty()) {
            try {
                PendingChunk first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                PublishBatch batch = new PublishBatch(first);
                current = batch;
                queue.drainTo(batch.chunks(), MAX_BATCH - 1);
                try {
                    send(batch);
                } catch (RuntimeException e) {
                    LOG.warn("a batch of {} chunks failed before its transaction: {}", batch.chunks().size(),
                            e.toString());
                    failAll(batch, new RunstreamException("not written: " + e, e));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failRemaining(new IllegalStateException("the publisher is closed"));
    }

    private void send(PublishBatch batch) {
        forgotten.removeIf(run -> {
            nextSequence.remove(run);
            return true;
        });
        resumeRuns(batch);
        provisionNewRuns(batch);
        if (batch.chunks().stream().allMatch(pending -> pending.result().isDone())) {
            return;
        }
        KafkaProducer<String, byte[]> transaction = producer();
        try {
            transaction.beginTransaction();
            // By position, not in a map: a PendingChunk is a record, whose hash walks the chunk's whole JSON tree.
            long[] sequences = new long[batch.chunks().size()];
            for (int i = 0; i < sequences.length; i++) {
                sequences[i] = sendOne(transaction, batch.chunks().get(i));
            }
            transaction.commitTransaction();
            for (int i = 0; i < sequences.length; i++) {
                batch.chunks().get(i).result().complete(sequences[i]);
            }
        } catch (ProducerFencedException e) {
            discardProducer();
            failAll(batch, new RunstreamException("publisher fenced by another with its transactional id", e));
        } catch (RuntimeException e) {
            LOG.warn("transaction of {} chunks failed; aborting it: {}", batch.chunks().size(), e.toString());
            try {
                transaction.abortTransaction();
            } catch (RuntimeException abortFailure) {
                discardProducer();
            }
            failAll(batch, new RunstreamException("the transaction failed and was aborted: " + e, e));
        }
    }

    /** Fails every chunk of the batch and breaks their runs (see {@link #resume(String)}). */
    private void failAll(PublishBatch batch, RuntimeException error) {
        batch.chunks().stream().filter(pending -> !pending.isResume())
                .forEach(pending -> broken.putIfAbsent(pending.runId(), -1L));
        batch.failAll(error);
    }

    private void provisionNewRuns(PublishBatch batch) {
        List<String> unknown = batch.runIds().stream()
                .filter(run -> !nextSequence.containsKey(run) && !broken.containsKey(run)).toList();
        if (unknown.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Object> entry : provisioner.provision(unknown).entrySet()) {
            if (entry.getValue() instanceof Long next) {
                nextSequence.put(entry.getKey(), next);
            } else {
                broken.putIfAbsent(entry.getKey(), -1L);
                batch.failRun(entry.getKey(), (RuntimeException) entry.getValue());
            }
        }
    }

    /** Sends one chunk in the open transaction and returns its sequence number; its stage completes on commit. */
    private long sendOne(KafkaProducer<String, byte[]> transaction, PendingChunk pending) {
        if (pending.isResume() || pending.result().isDone()) {
            return -1;
        }
        String runId = pending.runId();
        Long failedAt = broken.get(runId);
        if (failedAt != null) {
            pending.result().completeExceptionally(new RunstreamException("run '" + runId + "': a " + pending.chunk()
                    .type() + " chunk was not written: " + (failedAt < 0 ? "an earlier chunk" : "chunk " + failedAt)
                    + " of the run failed before it; resume the run and write again from the sequence it gives"));
            return -1;
        }
        if (pending.expectedSequence() != PendingChunk.ANY_SEQUENCE) {
            long next = nextSequence.getOrDefault(runId, 0L);
            if (pending.expectedSequence() < next) {
                pending.duplicate().set(true);
                pending.result().complete(pending.expectedSequence());
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
        if (value.length + runId.length() + RECORD_OVERHEAD > maxRequestSize) {
            nextSequence.put(runId, sequence);
            broken.putIfAbsent(runId, sequence);
            pending.result().completeExceptionally(new RunstreamException("run '" + runId + "': chunk " + sequence
                    + " (" + pending.chunk().type() + ") is too large for Kafka: " + value.length + " bytes, "
                    + "max.request.size " + maxRequestSize + "; not written"));
            return -1;
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.runTopic(runId), null,
                pending.timestamp().toEpochMilli(), runId, value);
        RecordHeaders.put(record.headers(), RecordHeaders.TYPE, pending.chunk().type());
        RecordHeaders.put(record.headers(), RecordHeaders.TRANSIENT, Boolean.toString(pending.chunk().isTransient()));
        RecordHeaders.put(record.headers(), RecordHeaders.SEQUENCE, Long.toString(sequence));
        transaction.send(record, (metadata, error) -> {
            if (error != null) {
                broken.merge(runId, sequence, Math::min);
                pending.result().completeExceptionally(new RunstreamException("run '" + runId + "': chunk "
                        + sequence + " (" + pending.chunk().type() + ") was not stored: " + error, error));
            }
        });
        if (ingest) {
            transaction.send(new ProducerRecord<>(topics.ingest(), null, record.timestamp(), runId, value,
                    record.headers()));
        }
        return sequence;
    }

    /**
     * Serves the batch's {@link #resume(String)} requests, all at once: fails the chunks of those runs queued before
     * their request (handed over before the writer resumed), waits until every chunk handed to Kafka so far is
     * stored or failed, and numbers each run's next chunks from one past its last stored sequence number.
     */
    private void resumeRuns(PublishBatch batch) {
        Map<String, PendingChunk> requests = new LinkedHashMap<>();
        for (PendingChunk pending : batch.chunks()) {
            if (pending.isResume()) {
                requests.putIfAbsent(pending.runId(), pending);
            }
        }
        if (requests.isEmpty()) {
            return;
        }
        Set<String> resumed = new HashSet<>();
        for (PendingChunk pending : batch.chunks()) {
            if (pending.isResume()) {
                resumed.add(pending.runId());
            } else if (requests.containsKey(pending.runId()) && !resumed.contains(pending.runId())) {
                pending.result().completeExceptionally(new RunstreamException("run '" + pending.runId() + "': a "
                        + pending.chunk().type() + " chunk handed over before the run was resumed was not written"));
            }
        }
        Map<String, Object> next;
        try {
            producer().flush();
            requests.keySet().forEach(nextSequence::remove);
            next = provisioner.provision(requests.keySet());
        } catch (RuntimeException e) {
            next = Map.of();
            RunstreamException failure = new RunstreamException("could not resume now: " + e, e);
            requests.keySet().forEach(runId -> broken.putIfAbsent(runId, -1L));
            batch.chunks().stream().filter(PendingChunk::isResume)
                    .forEach(request -> request.result().completeExceptionally(failure));
        }
        next.forEach((runId, outcome) -> {
            if (outcome instanceof Long sequence) {
                broken.remove(runId);
                nextSequence.put(runId, sequence);
            } else {
                broken.putIfAbsent(runId, -1L);
            }
            batch.chunks().stream().filter(pending -> pending.isResume() && pending.runId().equals(runId))
                    .forEach(request -> complete(request, outcome));
        });
    }

    private static void complete(PendingChunk request, Object outcome) {
        if (outcome instanceof Long sequence) {
            request.result().complete(sequence);
        } else {
            request.result().completeExceptionally((RuntimeException) outcome);
        }
    }

    private void failRemaining(RuntimeException error) {
        PendingChunk pending;
        while ((pending = queue.poll()) != null) {
            pending.result().completeExceptionally(error);
        }
    }

    /** Waits until every chunk handed over so far is acknowledged or failed. */
    public void flush() {
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        PublishBatch writing = current;
        if (writing != null) {
            writing.chunks().forEach(chunk -> pending.add(chunk.result()));
        }
        queue.forEach(chunk -> pending.add(chunk.result()));
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(error -> null).join();
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
        KafkaProducer<String, byte[]> open = producer;
        if (open != null) {
            open.close(Duration.ofSeconds(10));
        }
        provisioner.close();
        admin.close(Duration.ofSeconds(5));
        LOG.info("publisher closed");
    }
}
