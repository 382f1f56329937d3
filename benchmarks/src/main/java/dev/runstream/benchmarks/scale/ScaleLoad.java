package dev.runstream.benchmarks.scale;

import dev.runstream.benchmarks.load.ChunkMix;
import dev.runstream.benchmarks.report.Latencies;
import dev.runstream.core.testing.Corpus;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The runs of the scale benchmark against one serve: arriving short runs (one POST of every chunk), arriving
 * token-paced runs (one POST streamed a chunk at a time), each maybe read over SSE from before its first chunk;
 * what they measured; and the runs sampled for the end-to-end check.
 */
final class ScaleLoad {

    private static final long CONNECT_MILLIS = 10_000;

    /** What one kind of arriving run measured. */
    static final class Figures {
        final Latencies post = new Latencies();
        final Latencies runStart = new Latencies();
        final Latencies live = new Latencies();
        final Latencies readerConnect = new Latencies();
        final AtomicLong failedPosts = new AtomicLong();
        final AtomicLong readersNotConnected = new AtomicLong();
    }

    /** A run sampled for the end-to-end check, with when its chunks were all acknowledged. */
    record Sampled(ScenarioRun run, long ackNanos) {
    }

    private final ScaleSettings settings;
    private final RunClient client;
    private final SummaryPoller poller;
    private final AtomicLong runsAcked;
    private final AtomicLong chunksAcked;
    private final List<String> scenarios;
    private final int trackStride;
    private final Queue<Sampled> sampled = new ConcurrentLinkedQueue<>();
    private final Queue<LiveReader> readers = new ConcurrentLinkedQueue<>();
    private final AtomicLong runNumbers = new AtomicLong(1_000_000);

    ScaleLoad(ScaleSettings settings, RunClient client, SummaryPoller poller, AtomicLong runsAcked,
            AtomicLong chunksAcked) {
        this.settings = settings;
        this.client = client;
        this.poller = poller;
        this.runsAcked = runsAcked;
        this.chunksAcked = chunksAcked;
        this.scenarios = settings.scenarioList();
        // The poller follows about a fifth of its reads per second in new runs, so that each is read often.
        this.trackStride = (int) Math.max(1, Math.ceil(settings.rate() * 5 / settings.pollRate()));
    }

    /** A new run of the {@code index}-th arriving scenario, with a run id not used before. */
    ScenarioRun newRun(int index) {
        return ScenarioRun.of(scenarios.get(index % scenarios.size()),
                ChunkMix.runId((int) runNumbers.incrementAndGet()));
    }

    /** Whether the {@code index}-th arriving run gets a reader: spread evenly, {@code readerPercent} in 100. */
    boolean hasReader(int index) {
        return (index * 37L) % 100 < settings.readerPercent();
    }

    /** One short run: a reader first if it gets one, then one POST of all its chunks. */
    boolean shortRun(int index, Figures figures) throws Exception {
        ScenarioRun run = newRun(index);
        AtomicLongArray sent = new AtomicLongArray(run.lines().size());
        openReader(index, run, sent, figures);
        long start = System.nanoTime();
        for (int k = 0; k < run.lines().size(); k++) {
            sent.set(k, start);
        }
        RunClient.Reply reply;
        try {
            reply = client.postAll(run);
        } catch (java.io.IOException e) {
            figures.failedPosts.incrementAndGet();
            return false;
        }
        long ack = System.nanoTime();
        figures.post.recordNanos(ack - start);
        return acknowledged(index, run, reply, ack, figures);
    }

    /** One token-paced run: a reader first if it gets one, then one POST streamed a chunk every interval. */
    boolean tokenRun(int index, Figures figures) throws Exception {
        ScenarioRun run = newRun(index);
        AtomicLongArray sent = new AtomicLongArray(run.lines().size());
        openReader(index, run, sent, figures);
        long start = System.nanoTime();
        RunClient.Reply reply;
        try {
            reply = client.postStreamed(run.runId(), run.lines(), settings.tokenInterval(), (k, nanos) ->
                    sent.set(k, nanos));
        } catch (java.io.IOException e) {
            figures.failedPosts.incrementAndGet();
            return false;
        }
        long ack = System.nanoTime();
        figures.post.recordNanos(ack - start);
        return acknowledged(index, run, reply, ack, figures);
    }

    private void openReader(int index, ScenarioRun run, AtomicLongArray sent, Figures figures)
            throws InterruptedException {
        if (!hasReader(index)) {
            return;
        }
        long begin = System.nanoTime();
        LiveReader reader = LiveReader.open(client, run.runId(), (sequence, received) -> {
            if (sequence >= 0 && sequence < sent.length()) {
                (sequence == 0 ? figures.runStart : figures.live).recordNanos(received - sent.get((int) sequence));
            }
        });
        readers.add(reader);
        if (reader.awaitConnected(CONNECT_MILLIS)) {
            figures.readerConnect.recordNanos(System.nanoTime() - begin);
        } else {
            figures.readersNotConnected.incrementAndGet();
        }
    }

    private boolean acknowledged(int index, ScenarioRun run, RunClient.Reply reply, long ack, Figures figures) {
        if (reply.status() != 200) {
            figures.failedPosts.incrementAndGet();
            return false;
        }
        runsAcked.incrementAndGet();
        chunksAcked.addAndGet(run.lines().size());
        if (index % trackStride == 0) {
            poller.track(run.runId(), run.expectedStatus(), ack);
        }
        if (index % settings.checkEvery() == 0) {
            sampled.add(new Sampled(run, ack));
        }
        return true;
    }

    Queue<Sampled> sampled() {
        return sampled;
    }

    /** Waits up to {@code millis} for every reader to end; returns how many ended after the terminal chunk. */
    long awaitReaders(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        long ended = 0;
        for (LiveReader reader : readers) {
            try {
                long left = Math.max(1, (end - System.nanoTime()) / 1_000_000);
                if (reader.ended().get(left, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    ended++;
                }
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                reader.cancel();
            }
        }
        return ended;
    }

    long readerCount() {
        return readers.size();
    }

    long readerErrorEvents() {
        return readers.stream().mapToLong(LiveReader::errors).sum();
    }

    /** Lines of an endless agent run: start, then text deltas, then finish once {@code stop} says so. */
    static String[] longRunLines(String runId) {
        List<String> agent = Corpus.lines("agent-text", "chunks.ndjson");
        return new String[] {agent.get(0).replace(Corpus.RUN_ID, runId), agent.get(3).replace(Corpus.RUN_ID, runId),
                agent.get(agent.size() - 1).replace(Corpus.RUN_ID, runId)};
    }

    Duration tokenInterval() {
        return settings.tokenInterval();
    }
}
