package dev.runstream.benchmarks.kafka;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.avro.ChunkRecord;
import dev.runstream.benchmarks.BenchEnvironment;
import dev.runstream.benchmarks.BenchSettings;
import dev.runstream.benchmarks.load.ChunkMix;
import dev.runstream.benchmarks.load.RawChunk;
import dev.runstream.benchmarks.report.Figure;
import dev.runstream.benchmarks.report.Report;
import dev.runstream.benchmarks.report.Target;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.chunk.Chunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publish throughput for 1, 100 and 1 000 concurrent runs: {@code KafkaRunPublisher.accept} against a raw
 * {@code KafkaProducer.send} of the same bytes (the Avro frames the publisher writes, encoded ahead of time) with
 * the same key, headers, and producer settings, to topics made the same way.
 *
 * <p>Topic creation is not timed on either side: each run's first chunk is written through the publisher first
 * (which creates the run's topic); the raw sides write to a second set of run topics, made ahead with the same
 * settings (their records' sequence headers follow the mix, not the runs' numbering), and the raw producer writes
 * one record to each of those first (so it holds their metadata too). Then, after one untimed warm-up round per side, the sides take turns (the order alternates by
 * round): the same writer threads write the same number of chunks, cycling through the corpus mix of each of their
 * runs, and a round ends when Kafka has acknowledged every chunk. A second raw side ("raw+encode") also maps and
 * encodes each chunk in its writer threads, as the publisher's sender thread does: it tells the encoding's share of
 * the gap from the rest. A third ("raw transactional") writes the same frames from one thread in transactions of
 * up to 1 000 records, as the publisher does since it writes one transaction per batch.
 */
public final class PublishThroughput {

    private static final int MAX_WRITERS = 4;
    /** The publisher's largest batch, and so its largest transaction. */
    private static final int TRANSACTION_BATCH = 1000;
    private static final long ROUND_TIMEOUT_MINUTES = 10;

    private final BenchEnvironment env;
    private final BenchSettings settings;
    private final ChunkMix mix;
    private final Report report;

    public PublishThroughput(BenchEnvironment env, BenchSettings settings, ChunkMix mix, Report report) {
        this.env = env;
        this.settings = settings;
        this.mix = mix;
        this.report = report;
    }

    public void run() {
        for (int runs : settings.publishRuns()) {
            measure(runs);
        }
    }

    /** Writes chunk {@code index} (of the mix) of run {@code run}, calling {@code done} once Kafka has it. */
    private interface Writer {
        void write(int run, int index, Completion done);
    }

    private interface Completion {
        void complete(Throwable error);
    }

    private void measure(int runs) {
        String prefix = "bench-publish-" + runs;
        RunstreamConfig config = env.config(prefix, Map.of());
        List<String> runIds = new ArrayList<>();
        List<List<Chunk>> chunks = new ArrayList<>();
        List<List<RawChunk>> frames = new ArrayList<>();
        ConfluentAvroSerde<ChunkRecord> serde = new ConfluentAvroSerde<>(ChunkRecord.class,
                ChunkRecord.getClassSchema(), env.registry());
        for (int r = 0; r < runs; r++) {
            String runId = ChunkMix.runId(r);
            runIds.add(runId);
            List<Chunk> runChunks = mix.chunksFor(runId);
            chunks.add(runChunks);
            List<RawChunk> runFrames = new ArrayList<>(runChunks.size());
            for (int i = 0; i < runChunks.size(); i++) {
                runFrames.add(RawChunk.of(runId, i, runChunks.get(i), serde));
            }
            frames.add(runFrames);
        }
        // The raw sides write to topics of their own, made with the same settings: their records carry sequence
        // headers in mix order, which would break the run topics' one-by-one numbering for the publisher's next leg.
        RunstreamConfig rawConfig = env.config(prefix + "-raw", Map.of());
        List<String> topics = runIds.stream().map(rawConfig.topics()::runTopic).toList();
        env.createRunTopics(rawConfig, topics);
        Schedule schedule = new Schedule(runs, mix.size(), Math.min(runs, MAX_WRITERS));
        long bytesPerRound = schedule.bytes(frames, settings.publishChunks());

        ObjectNode details = report.details("publish").putObject(runs + " runs");
        Map<String, Object> transactionalProps = BenchEnvironment.rawProducerProperties(config);
        transactionalProps.put("transactional.id", prefix + "-raw-transactional");
        try (KafkaRunPublisher publisher = new KafkaRunPublisher(config, env.registry());
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        BenchEnvironment.rawProducerProperties(config), new StringSerializer(),
                        new ByteArraySerializer());
                KafkaProducer<String, byte[]> transactional = new KafkaProducer<>(transactionalProps,
                        new StringSerializer(), new ByteArraySerializer())) {
            transactional.initTransactions();
            Writer runstream = (run, index, done) -> publisher.accept(runIds.get(run), chunks.get(run).get(index))
                    .whenComplete((sequence, error) -> done.complete(error));
            Writer raw = (run, index, done) -> producer.send(frames.get(run).get(index).toRecord(topics.get(run)),
                    (metadata, error) -> done.complete(error));
            long[] rawSequence = new long[runs];
            Writer rawEncoding = (run, index, done) -> {
                Chunk chunk = chunks.get(run).get(index);
                RawChunk frame = RawChunk.of(runIds.get(run), rawSequence[run]++, chunk, serde);
                producer.send(frame.toRecord(topics.get(run)), (metadata, error) -> done.complete(error));
            };

            long created = System.nanoTime();
            CompletableFuture<?>[] first = new CompletableFuture<?>[runs];
            for (int r = 0; r < runs; r++) {
                first[r] = publisher.accept(runIds.get(r), chunks.get(r).get(0)).toCompletableFuture();
            }
            CompletableFuture.allOf(first).join();
            details.put("topicCreationThroughPublisherMs", (System.nanoTime() - created) / 1e6);
            for (int r = 0; r < runs; r++) {
                producer.send(frames.get(r).get(0).toRecord(topics.get(r)));
            }
            producer.flush();

            int warmup = Math.max(1_000, settings.publishChunks() / 5);
            schedule.round(runstream, warmup);
            schedule.round(raw, warmup);
            schedule.round(rawEncoding, warmup);
            schedule.transactionalRound(transactional, frames, topics, warmup);
            double bestTransactional = 0;
            double bestRunstream = 0;
            double bestRaw = 0;
            double bestRawEncoding = 0;
            ArrayNode rounds = details.putArray("rounds");
            for (int round = 0; round < settings.publishRounds(); round++) {
                double rs;
                double rw;
                if (round % 2 == 0) {
                    rs = schedule.round(runstream, settings.publishChunks());
                    rw = schedule.round(raw, settings.publishChunks());
                } else {
                    rw = schedule.round(raw, settings.publishChunks());
                    rs = schedule.round(runstream, settings.publishChunks());
                }
                double re = schedule.round(rawEncoding, settings.publishChunks());
                double rt = schedule.transactionalRound(transactional, frames, topics, settings.publishChunks());
                rounds.addObject().put("runstreamSeconds", rs).put("rawSeconds", rw).put("rawEncodingSeconds", re)
                        .put("rawTransactionalSeconds", rt);
                bestTransactional = Math.max(bestTransactional, settings.publishChunks() / rt);
                bestRunstream = Math.max(bestRunstream, settings.publishChunks() / rs);
                bestRaw = Math.max(bestRaw, settings.publishChunks() / rw);
                bestRawEncoding = Math.max(bestRawEncoding, settings.publishChunks() / re);
            }
            double bytesPerChunk = (double) bytesPerRound / settings.publishChunks();
            details.put("chunksPerRound", settings.publishChunks()).put("writerThreads", schedule.writers)
                    .put("avroBytesPerChunk", bytesPerChunk).put("runstreamChunksPerSecond", bestRunstream)
                    .put("rawChunksPerSecond", bestRaw).put("rawEncodingChunksPerSecond", bestRawEncoding)
                    .put("rawTransactionalChunksPerSecond", bestTransactional);
            String note = "best of " + settings.publishRounds() + " rounds of " + settings.publishChunks()
                    + " chunks; " + schedule.writers + " writer threads; topics existed (creation untimed)";
            report.add(Figure.of("publish " + runs + " run" + (runs == 1 ? "" : "s"), "chunks/s", bestRunstream,
                    bestRaw, Target.ratioAtLeast(0.9), note));
            report.add(Figure.of("publish " + runs + " run" + (runs == 1 ? "" : "s"), "MB/s (Avro frames)",
                    bestRunstream * bytesPerChunk / 1e6, bestRaw * bytesPerChunk / 1e6, Target.ratioAtLeast(0.9),
                    "mean frame " + Math.round(bytesPerChunk) + " B"));
            report.add(Figure.of("publish " + runs + " run" + (runs == 1 ? "" : "s"), "chunks/s vs raw+encode",
                    bestRunstream, bestRawEncoding, Target.none(),
                    "second anchor: the raw producer's writer threads also map and Avro-encode each chunk"));
            report.add(Figure.of("publish " + runs + " run" + (runs == 1 ? "" : "s"), "chunks/s vs raw transactional",
                    bestRunstream, bestTransactional, Target.none(), "third anchor: one thread, the same frames, one "
                            + "transaction per " + TRANSACTION_BATCH + " records (the publisher's largest batch)"));
        }
        env.deleteTopics(prefix);
    }

    /**
     * Which writer writes what: writer {@code w} owns runs {@code r ≡ w (mod writers)} and writes their chunks in
     * turn, each run from its own place in the mix; both sides follow the same schedule.
     */
    private static final class Schedule {

        private final int runs;
        private final int mixSize;
        private final int writers;

        Schedule(int runs, int mixSize, int writers) {
            this.runs = runs;
            this.mixSize = mixSize;
            this.writers = writers;
        }

        private int start(int run) {
            return (run * 7) % mixSize;
        }

        long bytes(List<List<RawChunk>> frames, int total) {
            long bytes = 0;
            for (int w = 0; w < writers; w++) {
                int[] cursor = cursors();
                List<Integer> own = own(w);
                int share = share(w, total);
                for (int i = 0; i < share; i++) {
                    int run = own.get(i % own.size());
                    bytes += frames.get(run).get(cursor[run]++ % mixSize).frame().length;
                }
            }
            return bytes;
        }

        /**
         * One round through a transactional producer from one thread (as the publisher's one sender thread writes):
         * the same chunks in turn over every run, {@value #TRANSACTION_BATCH} records per transaction; returns its
         * length in seconds, first write to last commit.
         */
        double transactionalRound(KafkaProducer<String, byte[]> producer, List<List<RawChunk>> frames,
                List<String> topics, int total) {
            int[] cursor = cursors();
            long begin = System.nanoTime();
            int written = 0;
            int run = 0;
            while (written < total) {
                producer.beginTransaction();
                int end = Math.min(total, written + TRANSACTION_BATCH);
                for (; written < end; written++) {
                    producer.send(frames.get(run).get(cursor[run]++ % mixSize).toRecord(topics.get(run)));
                    run = (run + 1) % runs;
                }
                producer.commitTransaction();
            }
            return (System.nanoTime() - begin) / 1e9;
        }

        /** Runs one round and returns its length in seconds: first write to last acknowledgement. */
        double round(Writer writer, int total) {
            CountDownLatch done = new CountDownLatch(total);
            CountDownLatch go = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Completion completion = error -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                done.countDown();
            };
            List<Thread> threads = new ArrayList<>();
            int[] cursor = cursors();
            for (int w = 0; w < writers; w++) {
                List<Integer> own = own(w);
                int share = share(w, total);
                threads.add(Thread.ofPlatform().name("bench-writer-" + w).start(() -> {
                    awaitQuietly(go);
                    for (int i = 0; i < share; i++) {
                        int run = own.get(i % own.size());
                        writer.write(run, cursor[run]++ % mixSize, completion);
                    }
                }));
            }
            long begin = System.nanoTime();
            go.countDown();
            try {
                if (!done.await(ROUND_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("a publish round did not finish within "
                            + ROUND_TIMEOUT_MINUTES + " min (" + done.getCount() + " chunks unacknowledged)");
                }
                for (Thread thread : threads) {
                    thread.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            if (failure.get() != null) {
                throw new IllegalStateException("a chunk was not stored: " + failure.get(), failure.get());
            }
            return seconds;
        }

        private int[] cursors() {
            int[] cursor = new int[runs];
            for (int r = 0; r < runs; r++) {
                cursor[r] = start(r);
            }
            return cursor;
        }

        private List<Integer> own(int writer) {
            List<Integer> own = new ArrayList<>();
            for (int r = writer; r < runs; r += writers) {
                own.add(r);
            }
            return own;
        }

        private int share(int writer, int total) {
            return total / writers + (writer < total % writers ? 1 : 0);
        }

        private static void awaitQuietly(CountDownLatch latch) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
