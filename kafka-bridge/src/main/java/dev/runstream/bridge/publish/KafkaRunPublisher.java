package dev.runstream.bridge.publish;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.config.RunLayout;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.config.SourceMode;
import dev.runstream.bridge.publish.internal.ProvisionOutcome;
import dev.runstream.bridge.publish.internal.ProvisionWorker;
import dev.runstream.bridge.publish.internal.ChunkRecords;
import dev.runstream.bridge.publish.internal.RunStates;
import dev.runstream.bridge.publish.internal.TransactionalProducer;
import dev.runstream.bridge.publish.internal.RunStates.Phase;
import dev.runstream.bridge.publish.internal.RunStates.RunState;
import dev.runstream.bridge.publish.internal.RunProvisioner;
import dev.runstream.bridge.publish.internal.RunTopicProvisioner;
import dev.runstream.bridge.publish.internal.SenderTask;
import dev.runstream.bridge.publish.internal.SharedRunNumbering;
import dev.runstream.bridge.publish.internal.SenderTask.ChunkWrite;
import dev.runstream.bridge.publish.internal.SenderTask.ResumeRun;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.core.Deadline;
import dev.runstream.core.OutOfOrderChunkException;
import dev.runstream.core.RunIds;
import dev.runstream.core.RunstreamException;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.stream.ChunkSink;
import dev.runstream.core.stream.RunTermination;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka sink behind {@code RunWriter}: every chunk becomes a Confluent-framed Avro {@link ChunkRecord} on its
 * run's own topic {@code prefix.run.<runId>}, key = run id, headers with type, transient flag and sequence number. In
 * the ingest source mode each chunk is also written, in the same Kafka transaction, to the shared
 * {@code prefix.ingest} topic. In the shared layout ({@code run.layout=shared}) each chunk is written once, to
 * {@code prefix.runs}, partitioned by run id, and a run new to this publisher is numbered on from its summary and
 * the records the aggregator has not folded yet ({@code SharedRunNumbering}).
 *
 * <p>Order: chunks of a run are numbered and written in the order {@link #accept} is called. Once a chunk of a run
 * fails, the run's later chunks fail too, without being written, until the writer calls {@link #resume(String)}: a
 * run's topic never holds a chunk under another chunk's sequence number. Back-pressure: at most
 * {@code publisher.max.in.flight.chunks} chunks are unacknowledged; a writer past that waits in {@code accept}.
 * Durability: {@code acks=all}, and one Kafka transaction per batch, so that a batch is stored whole or not at all. A
 * chunk's stage completes once its transaction is committed.
 *
 * <p>Threads: one sender thread numbers chunks and writes batches, one provisioning thread creates the topics of
 * runs that start (in one call per round) and reads where resumed runs go on, so that a run starting never holds up
 * other runs' chunks. A run is provisioned again after its stream ended (a stream-ending chunk): its next chunk is a
 * new leg, whose topic may have been deleted meanwhile by the topic reaper; such a run goes on numbering where its
 * {@link RunHistory} says.
 */
public final class KafkaRunPublisher implements ChunkSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRunPublisher.class);
    private static final int MAX_BATCH = 5000;
    /** Ready runs whose next sequence number is kept; a run dropped is provisioned again on its next chunk. */
    private static final int MAX_TRACKED_RUNS = 100_000;
    /** How long provisioning waits for the producer to learn new topics' metadata. */
    private static final Duration METADATA_WAIT = Duration.ofSeconds(5);
    /** How long a closing publisher still waits for runs being provisioned or held. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final RunTopics topics;
    /** Whether each chunk is also written to {@code prefix.ingest} (ingest source mode). */
    private final boolean ingest;
    /** Whether each chunk is written only to {@code prefix.runs} (the shared layout). */
    private final boolean shared;
    private final Clock clock;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final LinkedBlockingQueue<SenderTask> queue = new LinkedBlockingQueue<>();
    private final ChunkRecords records;
    private final Admin admin;
    private final ProvisionWorker provisioning;
    /** Sender thread only. */
    private final RunStates runs = new RunStates(MAX_TRACKED_RUNS);
    /** How long {@link #acceptAt} waits for a broken run to be resumed. */
    public static final Duration RESUME_WAIT = Duration.ofSeconds(30);
    /** The runs broken by a failed chunk, as the sender thread last left them, for {@link #needsResume}. */
    private final Set<String> broken = ConcurrentHashMap.newKeySet();
    private final Thread sender;
    /**
     * How long a ready run may go unwritten before its next chunk provisions it again: less than the time after which
     * the topic reaper may delete a run's topic, so that this publisher never writes to a topic it did not see lately.
     */
    private final long readyIdleNanos;
    /** The transactional producer (changed by the sender thread only). */
    private final TransactionalProducer producer;
    private volatile boolean closing;

    /**
     * A publisher that, where run topics are deleted after use ({@code run.topic.delete.after.ms}), reads where a
     * resumed run goes on from its summary in {@code {prefix}.run-summaries} (see {@link RunHistory}).
     */
    public KafkaRunPublisher(RunstreamConfig config, SchemaRegistryClient registry) {
        this(config, registry, Clock.systemUTC());
    }

    public KafkaRunPublisher(RunstreamConfig config, SchemaRegistryClient registry, Clock clock) {
        this(config, registry, config.runTopicDeleteAfter().isPresent() || config.runLayout() == RunLayout.SHARED
                ? RunHistory.fromSummaries(new dev.runstream.bridge.subscribe.RunSummaryReader(config, registry))
                : RunHistory.NONE, clock);
    }

    /**
     * @param history where runs whose topic holds no chunk go on numbering (a run resumed after its topic was
     *                deleted); {@link RunHistory#NONE} when run topics are never deleted
     */
    public KafkaRunPublisher(RunstreamConfig config, SchemaRegistryClient registry, RunHistory history, Clock clock) {
        this(config, registry, history, RunTopicCapacity.UNCHECKED, clock);
    }

    /** @param capacity whether new run topics may be created now ({@code serve}: its process limits) */
    public KafkaRunPublisher(RunstreamConfig config, SchemaRegistryClient registry, RunHistory history,
            RunTopicCapacity capacity, Clock clock) {
        this.topics = config.topics();
        this.clock = clock;
        this.shared = config.runLayout() == RunLayout.SHARED;
        this.ingest = config.sourceMode() == SourceMode.INGEST && !shared;
        this.maxInFlight = config.getInt(RunstreamConfig.PUBLISHER_MAX_IN_FLIGHT_CHUNKS_CONFIG);
        this.inFlight = new Semaphore(maxInFlight);
        ConfluentAvroSerde<ChunkRecord> serde = new ConfluentAvroSerde<>(ChunkRecord.class,
                ChunkRecord.getClassSchema(), registry);
        serde.schemaId();
        this.admin = Admin.create(config.clientProperties("admin"));
        if (ingest || shared) {
            // Each chunk also goes to {prefix}.ingest (or only to {prefix}.runs): a transaction to a topic that does not exist waits for its
            // metadata until max.block.ms. The shared topics are made as the aggregator makes them.
            dev.runstream.bridge.aggregate.RunAggregationTopology.createTopics(admin, config);
        }
        // Also less than the producer's metadata.max.idle.ms: a send to a topic the producer forgot waits for its
        // metadata on the sender thread, while provisioning the run again learns it on the provisioning thread.
        // In the shared layout, a run idle that long is numbered again from its log: another instance may have
        // written it since.
        this.readyIdleNanos = shared ? TimeUnit.MILLISECONDS.toNanos(4_000)
                : config.runTopicDeleteAfter().map(grace -> Math.min(grace.toNanos() / 2,
                        TimeUnit.MILLISECONDS.toNanos(4_000))).orElse(Long.MAX_VALUE);
        this.producer = new TransactionalProducer(config, topics);
        this.records = new ChunkRecords(topics, config.runLayout(), ingest, serde, producer.maxRequestSize());
        RunProvisioner provisioner = shared ? new SharedRunNumbering(config, admin, history)
                : new RunTopicProvisioner(config, admin, history, capacity);
        this.provisioning = new ProvisionWorker(provisioner,
                this::learnMetadata, outcomes -> queue.add(new SenderTask.RunsProvisioned(outcomes)));
        this.sender = Thread.ofPlatform().name("runstream-publisher").daemon().start(this::sendLoop);
        LOG.info("publisher started: prefix={}, mode={}", topics.prefix(), config.sourceMode().setting());
    }

    /**
     * Has the producer learn the partitions of the runs' topics (and {@code prefix.ingest}), on the provisioning
     * thread: a send to a topic the producer has no metadata of waits for it, and on the sender thread that wait held
     * up every run, a metadata round trip per new run. The lookups run at once, so that one metadata request answers
     * them all; a topic not known within {@link #METADATA_WAIT} is left to the sender.
     */
    private void learnMetadata(Set<String> runIds) {
        KafkaProducer<String, byte[]> current = producer.current();
        if (current == null) {
            return;
        }
        List<Thread> lookups = new ArrayList<>(runIds.size() + 1);
        if (ingest) {
            lookups.add(Thread.ofVirtual().start(() -> current.partitionsFor(topics.ingest())));
        }
        if (shared) {
            lookups.add(Thread.ofVirtual().start(() -> current.partitionsFor(topics.runs())));
            runIds = Set.of();
        }
        for (String runId : runIds) {
            lookups.add(Thread.ofVirtual().start(() -> {
                try {
                    current.partitionsFor(topics.runTopic(runId));
                } catch (RuntimeException e) {
                    LOG.debug("run '{}': its topic's metadata is not known yet ({}); the sender asks", runId,
                            e.toString());
                }
            }));
        }
        Deadline deadline = Deadline.after(METADATA_WAIT);
        try {
            for (Thread lookup : lookups) {
                lookup.join(Duration.ofNanos(Math.max(1, deadline.remaining().toNanos())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Replaces a worn producer between two transactions, and has the new one learn the next runs' topics. */
    private void recycleProducerIfWorn(List<ChunkWrite> next) {
        if (producer.recycleIfWorn()) {
            Set<String> runIds = new LinkedHashSet<>();
            next.forEach(write -> runIds.add(write.runId()));
            learnMetadata(runIds);
        }
    }

    /**
     * Hands a chunk of {@code runId} to Kafka. Waits while too many chunks are unacknowledged; the stage completes
     * with the chunk's sequence number in its run once Kafka has it, or fails with a {@link RunstreamException} naming
     * the run, the chunk and the reason. After a failure the run's later chunks fail too: see {@link #resume(String)}.
     */
    @Override
    public CompletionStage<Long> accept(String runId, Chunk chunk) {
        return enqueue(runId, chunk, ChunkWrite.ANY_SEQUENCE).thenApply(PublishedChunk::sequence);
    }

    /**
     * Hands a chunk to Kafka at a position the writer gives: the {@code sequence}-th chunk of its run (from 0). This
     * makes a writer's retries idempotent, across restarts and instances: a chunk whose position is already stored
     * is not written again (the stage completes with {@link PublishedChunk#duplicate()}), and one past the next free
     * position fails with {@link OutOfOrderChunkException} (a gap: an earlier chunk is missing). One writer per run.
     * A writer that gives positions needs no {@link #resume}: a run broken by a failed chunk is resumed here first
     * (waiting up to {@link #RESUME_WAIT}), and when that cannot be done now the stage fails with a
     * {@link RunResumeException} (write the chunk again later).
     */
    public CompletionStage<PublishedChunk> acceptAt(String runId, long sequence, Chunk chunk) {
        if (sequence < 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("run '" + runId
                    + "': a chunk's sequence is >= 0, was " + sequence));
        }
        if (broken.contains(runId)) {
            try {
                resume(runId).toCompletableFuture().get(RESUME_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                return CompletableFuture.failedFuture(new RunResumeException(runId, e.getCause().getMessage(),
                        e.getCause()));
            } catch (java.util.concurrent.TimeoutException e) {
                return CompletableFuture.failedFuture(new RunResumeException(runId, "its numbering was not read "
                        + "again within " + RESUME_WAIT.toSeconds() + " s", e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(new RunResumeException(runId, "interrupted", e));
            }
        }
        return enqueue(runId, chunk, sequence);
    }

    /**
     * Forgets what this publisher knows of {@code runId}'s numbering, so that its next chunk reads it again from the
     * run's topic (an erased run). Unlike {@link #resume} it writes and creates nothing.
     */
    public void forget(String runId) {
        queue.add(new SenderTask.ForgetRuns(List.of(RunIds.requireValid(runId))));
    }

    /**
     * Holds those of {@code runIds} that this publisher is not writing now (nothing of them is ready, waiting or
     * being provisioned), so that their topics can be deleted: a chunk for a held run waits until {@link #release}.
     * Completes with the runs held.
     */
    public CompletionStage<Set<String>> hold(Collection<String> runIds) {
        SenderTask.HoldRuns request = new SenderTask.HoldRuns(List.copyOf(runIds), new CompletableFuture<>());
        queue.add(request);
        return request.held().copy();
    }

    /** Ends the hold of {@link #hold}: chunks that waited for these runs are provisioned anew. */
    public void release(Collection<String> runIds) {
        queue.add(new SenderTask.ReleaseRuns(List.copyOf(runIds)));
    }

    /** Whether a chunk of {@code runId} failed and the run's writer must {@link #resume} it before writing on. */
    public boolean needsResume(String runId) {
        return broken.contains(runId);
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
            ChunkWrite write = new ChunkWrite(runId, own, clock.instant(), expectedSequence);
            write.result().whenComplete((sequence, error) -> inFlight.release());
            queue.add(write);
            return write.result().copy()
                    .thenApply(sequence -> new PublishedChunk(runId, sequence, write.duplicate().get()));
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
        return producer.metrics();
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
            ResumeRun request = new ResumeRun(runId, new CompletableFuture<>());
            queue.add(request);
            return request.result().copy();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void sendLoop() {
        long closingSince = -1;
        while (!closing || !queue.isEmpty() || runs.anyWaiting() && System.nanoTime() - closingSince < CLOSE_WAIT_NANOS) {
            if (closing && closingSince < 0) {
                closingSince = System.nanoTime();
            }
            try {
                SenderTask first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<SenderTask> tasks = new ArrayList<>();
                tasks.add(first);
                queue.drainTo(tasks, MAX_BATCH - 1);
                Round round = new Round();
                try {
                    tasks.forEach(task -> route(task, round));
                    recycleProducerIfWorn(round.sendable);
                    if (!round.sendable.isEmpty()) {
                        send(round.sendable);
                    }
                } catch (RuntimeException e) {
                    LOG.error("The publisher's sender failed on a round of {} chunks; they are failed",
                            round.sendable.size(), e);
                    failAll(round.sendable, new RunstreamException("not written: " + e, e));
                }
                if (!round.toProvision.isEmpty()) {
                    provisioning.submit(round.toProvision);
                }
                runs.trim();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failRemaining(new IllegalStateException("the publisher is closed"));
    }

    /** What one round of the sender thread writes and provisions. */
    private static final class Round {
        final List<ChunkWrite> sendable = new ArrayList<>();
        final Set<String> toProvision = new LinkedHashSet<>();
    }

    private void route(SenderTask task, Round round) {
        switch (task) {
            case ChunkWrite write -> routeChunk(write, round);
            case ResumeRun resume -> routeResume(resume, round);
            case SenderTask.RunsProvisioned provisioned -> provisioned.outcomes()
                    .forEach((runId, outcome) -> provisioned(runId, outcome, round));
            case SenderTask.ForgetRuns forget -> forget.runIds().forEach(runs::forgetIfReady);
            case SenderTask.HoldRuns hold -> {
                Set<String> held = new HashSet<>();
                for (String runId : hold.runIds()) {
                    if (runs.get(runId) == null) {
                        runs.start(runId, Phase.HELD);
                        held.add(runId);
                    }
                }
                hold.held().complete(held);
            }
            case SenderTask.ReleaseRuns release -> {
                for (String runId : release.runIds()) {
                    RunState state = runs.get(runId);
                    if (state == null || state.phase() != Phase.HELD) {
                        continue;
                    }
                    if (state.waiting().isEmpty() && state.resumes().isEmpty()) {
                        runs.remove(runId);
                    } else {
                        state.provisioning();
                        round.toProvision.add(runId);
                    }
                }
            }
        }
    }

    private void routeChunk(ChunkWrite write, Round round) {
        RunState state = runs.get(write.runId());
        if (state != null && state.phase() == Phase.READY && state.idleFor(System.nanoTime()) > readyIdleNanos) {
            runs.remove(write.runId());
            state = null;
        }
        if (state == null) {
            state = runs.start(write.runId(), Phase.PROVISIONING);
            round.toProvision.add(write.runId());
        }
        switch (state.phase()) {
            case PROVISIONING, HELD -> runs.park(state, write);
            case READY -> round.sendable.add(write);
            case BROKEN -> routeBroken(write, state);
        }
    }

    /**
     * A resume fails the run's chunks handed over before it and not written yet, then numbers the run anew from its
     * topic (every chunk handed to Kafka so far is stored or failed: rounds are written one after the other).
     */
    private void routeResume(ResumeRun resume, Round round) {
        String runId = resume.runId();
        RunstreamException notWritten = new RunstreamException("run '" + runId + "': a chunk handed over before the "
                + "run was resumed was not written");
        round.sendable.removeIf(write -> {
            if (write.runId().equals(runId)) {
                write.result().completeExceptionally(notWritten);
                return true;
            }
            return false;
        });
        RunState state = runs.get(runId);
        if (state != null) {
            runs.unpark(state).forEach(write -> write.result().completeExceptionally(notWritten));
        }
        if (state == null) {
            state = runs.start(runId, Phase.PROVISIONING);
            round.toProvision.add(runId);
        } else if (state.phase() == Phase.READY || state.phase() == Phase.BROKEN) {
            state.provisioning();
            round.toProvision.add(runId);
        }
        state.resumes().add(resume);
    }

    private void provisioned(String runId, ProvisionOutcome outcome, Round round) {
        RunState state = runs.get(runId);
        if (state == null || state.phase() != Phase.PROVISIONING) {
            return;
        }
        switch (outcome) {
            case ProvisionOutcome.Numbered numbered -> {
                producer.topicWritten();
                state.ready(numbered.next());
                broken.remove(runId);
                state.resumes().forEach(resume -> resume.result().complete(numbered.next()));
                round.sendable.addAll(runs.unpark(state));
            }
            case ProvisionOutcome.Refused refused -> {
                state.breakAt(-1);
                broken.add(runId);
                state.resumes().forEach(resume -> resume.result().completeExceptionally(refused.error()));
                runs.unpark(state).forEach(write -> write.result().completeExceptionally(refused.error()));
            }
        }
        state.resumes().clear();
    }

    /** Writes the round's chunks in one transaction; a stage completes once it is committed. */
    private void send(List<ChunkWrite> writes) {
        KafkaProducer<String, byte[]> transaction;
        try {
            transaction = producer.get();
        } catch (RuntimeException e) {
            LOG.warn("a batch of {} chunks failed before its transaction: {}", writes.size(), e.toString());
            failAll(writes, new RunstreamException("not written: " + e, e));
            return;
        }
        long[] sequences = new long[writes.size()];
        try {
            transaction.beginTransaction();
            for (int i = 0; i < sequences.length; i++) {
                sequences[i] = sendOne(transaction, writes.get(i));
            }
            transaction.commitTransaction();
        } catch (ProducerFencedException e) {
            producer.discard();
            failAll(writes, new RunstreamException("publisher fenced by another with its transactional id", e));
            return;
        } catch (RuntimeException e) {
            LOG.warn("transaction of {} chunks failed; aborting it: {}", writes.size(), e.toString());
            try {
                transaction.abortTransaction();
            } catch (RuntimeException abortFailure) {
                producer.discard();
            }
            failAll(writes, new RunstreamException("the transaction failed and was aborted: " + e, e));
            return;
        }
        long committedAt = System.nanoTime();
        for (int i = 0; i < sequences.length; i++) {
            ChunkWrite write = writes.get(i);
            if (sequences[i] < 0) {
                continue;
            }
            RunState written = runs.get(write.runId());
            if (written != null) {
                // Idle time counts from the commit: a slow (throttled) transaction does not make its runs idle.
                written.touch(committedAt);
            }
            if (write.result().isCompletedExceptionally()) {
                breakRun(write.runId(), sequences[i]);
                continue;
            }
            write.result().complete(sequences[i]);
            if (RunTermination.endsStream(write.chunk())) {
                // The run's next chunk starts a new leg: provisioned again, as its topic may be deleted meanwhile.
                runs.forgetIfReady(write.runId());
            }
        }
    }

    /** Fails every chunk of the round and breaks their runs (see {@link #resume(String)}). */
    private void failAll(List<ChunkWrite> writes, RuntimeException error) {
        for (ChunkWrite write : writes) {
            write.result().completeExceptionally(error);
            breakRun(write.runId(), -1);
        }
    }

    private void breakRun(String runId, long sequence) {
        RunState state = runs.get(runId);
        if (state == null) {
            state = runs.start(runId, Phase.BROKEN);
        }
        state.breakAt(sequence);
        broken.add(runId);
    }

    /** Sends one chunk in the open transaction and returns its sequence number (-1: not sent, its stage is done). */
    private long sendOne(KafkaProducer<String, byte[]> transaction, ChunkWrite write) {
        if (write.result().isDone()) {
            return -1;
        }
        String runId = write.runId();
        RunState state = runs.get(runId);
        if (state == null || state.phase() != Phase.READY) {
            routeBroken(write, state);
            return -1;
        }
        if (write.expectedSequence() != ChunkWrite.ANY_SEQUENCE) {
            long next = state.next();
            if (write.expectedSequence() < next) {
                write.duplicate().set(true);
                write.result().complete(write.expectedSequence());
                return -1;
            }
            if (write.expectedSequence() > next) {
                write.result().completeExceptionally(new OutOfOrderChunkException(runId, next,
                        write.expectedSequence()));
                return -1;
            }
        }
        long sequence = state.take(System.nanoTime());
        switch (records.encode(new StoredChunk(runId, sequence, write.timestamp(), write.chunk()))) {
            case ChunkRecords.Encoded.TooLarge tooLarge -> {
                state.giveBack(sequence);
                state.breakAt(sequence);
                broken.add(runId);
                write.result().completeExceptionally(new RunstreamException(tooLarge.reason()));
                return -1;
            }
            case ChunkRecords.Encoded.Records encoded -> {
                transaction.send(encoded.records().getFirst(), (metadata, error) -> {
                    if (error != null) {
                        write.result().completeExceptionally(new RunstreamException("run '" + runId + "': chunk "
                                + sequence + " (" + write.chunk().type() + ") was not stored: " + error, error));
                    }
                });
                encoded.records().subList(1, encoded.records().size()).forEach(transaction::send);
                return sequence;
            }
        }
    }

    /** A chunk whose run broke earlier in the same round fails as the run's later chunks do. */
    private static void routeBroken(ChunkWrite write, RunState state) {
        long failedAt = state == null ? -1 : state.failedAt();
        write.result().completeExceptionally(new RunstreamException("run '" + write.runId() + "': a "
                + write.chunk().type() + " chunk was not written: " + (failedAt < 0 ? "an earlier chunk"
                : "chunk " + failedAt) + " of the run failed before it; resume the run and write again from the "
                + "sequence it gives"));
    }

    private void failRemaining(RuntimeException error) {
        SenderTask task;
        while ((task = queue.poll()) != null) {
            failTask(task, error);
        }
        for (RunState state : runs.drainAll()) {
            state.waiting().forEach(write -> write.result().completeExceptionally(error));
            state.resumes().forEach(resume -> resume.result().completeExceptionally(error));
        }
    }

    private static void failTask(SenderTask task, RuntimeException error) {
        switch (task) {
            case ChunkWrite write -> write.result().completeExceptionally(error);
            case ResumeRun resume -> resume.result().completeExceptionally(error);
            case SenderTask.HoldRuns hold -> hold.held().complete(Set.of());
            case SenderTask.RunsProvisioned provisioned -> { }
            case SenderTask.ForgetRuns forget -> { }
            case SenderTask.ReleaseRuns release -> { }
        }
    }

    /** Waits until every chunk handed over so far is acknowledged or failed. */
    public void flush() {
        while (inFlight.availablePermits() < maxInFlight && sender.isAlive()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
        provisioning.close(Duration.ofSeconds(5));
        producer.close();
        admin.close(Duration.ofSeconds(5));
        LOG.info("publisher closed");
    }
}
