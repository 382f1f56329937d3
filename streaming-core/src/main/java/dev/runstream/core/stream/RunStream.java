package dev.runstream.core.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.RunIds;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.ChunkView;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.chunk.Usage;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

/**
 * One run's chunk stream, in memory, with Mastra's {@code MastraModelOutput} / {@code WorkflowRunOutput} accessors:
 * {@link #fullStream()} replays every chunk from the start to each new reader and then goes on live;
 * {@link #text()}, {@link #usage()}, {@link #finishReason()}, {@link #status()} and {@link #result()} complete when
 * the run's stream ends (on its terminal chunk, see {@link RunTermination}, or on {@link #close()}).
 *
 * <p>Chunks come in through {@link #accept(String, Chunk)} (it is a {@link ChunkSink}), from a producer in the same
 * process or from a Kafka subscriber. Thread-safe.
 */
public final class RunStream implements ChunkSink {

    private final String runId;
    private final Clock clock;
    private final dev.runstream.core.internal.ReplayLog<Chunk> log = new dev.runstream.core.internal.ReplayLog<>();
    private final RunFold.Accumulator fold;
    private final CompletableFuture<RunSummary> ended = new CompletableFuture<>();
    private long nextSequence;

    private RunStream(String runId, Clock clock) {
        this.runId = RunIds.requireValid(runId);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fold = RunFold.accumulator(runId);
    }

    /** A new, empty stream for run {@code runId}. */
    public static RunStream create(String runId) {
        return new RunStream(runId, Clock.systemUTC());
    }

    /** A new, empty stream whose chunk timestamps come from {@code clock}. */
    public static RunStream create(String runId, Clock clock) {
        return new RunStream(runId, clock);
    }

    public String runId() {
        return runId;
    }

    /**
     * Appends a chunk; the stage completes at once with its sequence number. Refused (failed stage) when the chunk
     * belongs to another run or the stream has ended.
     */
    @Override
    public CompletionStage<Long> accept(String runId, Chunk chunk) {
        Objects.requireNonNull(chunk, "chunk");
        if (!this.runId.equals(runId) || !chunk.attributedTo(runId).runId().orElseThrow().equals(runId)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("chunk of run '"
                    + chunk.runId().orElse(runId) + "' written to the stream of run '" + this.runId + "'"));
        }
        synchronized (this) {
            return append(new StoredChunk(runId, nextSequence, clock.instant(), chunk.attributedTo(runId)));
        }
    }

    /**
     * Appends a chunk as stored elsewhere (e.g. read from Kafka), keeping its sequence number and timestamp. The
     * stage fails when the chunk belongs to another run, the stream has ended, or the sequence is not above the last.
     */
    public CompletionStage<Long> append(StoredChunk stored) {
        Objects.requireNonNull(stored, "stored");
        if (!runId.equals(stored.runId())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("chunk of run '" + stored.runId()
                    + "' written to the stream of run '" + runId + "'"));
        }
        RunSummary summary = null;
        synchronized (this) {
            if (log.isClosed()) {
                return CompletableFuture.failedFuture(new IllegalStateException("the stream of run '" + runId
                        + "' has ended"));
            }
            if (stored.sequence() < nextSequence) {
                return CompletableFuture.failedFuture(new dev.runstream.core.OutOfOrderChunkException(runId,
                        nextSequence, stored.sequence()));
            }
            nextSequence = stored.sequence() + 1;
            Chunk own = stored.chunk().attributedTo(runId);
            fold.accept(stored);
            log.append(own);
            if (RunTermination.endsStream(own)) {
                summary = fold.summary();
                log.close();
            }
        }
        if (summary != null) {
            ended.complete(summary);
        }
        return CompletableFuture.completedFuture(stored.sequence());
    }

    /** Appends a chunk of this run; see {@link #accept(String, Chunk)}. */
    public CompletionStage<Long> append(Chunk chunk) {
        return accept(runId, chunk);
    }

    /** The source has ended the stream (for runs whose last chunk is not terminal, e.g. after an {@code error}). */
    public void close() {
        RunSummary summary;
        synchronized (this) {
            summary = fold.summary();
            log.close();
        }
        ended.complete(summary);
    }

    /** The source failed: readers get the chunks so far and then {@code error}; the accessors fail with it. */
    public void fail(Throwable error) {
        synchronized (this) {
            log.fail(error);
        }
        ended.completeExceptionally(error);
    }

    /** A writer for a tool call of this run ({@code writer} in Mastra's tool {@code execute}). */
    public RunWriter toolWriter(String toolCallId, String toolName) {
        return RunWriter.forTool(runId, toolCallId, toolName, this);
    }

    /** A writer for a workflow step of this run. */
    public RunWriter stepWriter(String stepName) {
        return RunWriter.forWorkflowStep(runId, stepName, this);
    }

    /** Every chunk from the first, then live, until the run's stream ends. Each call is a new reader. */
    public Flow.Publisher<Chunk> fullStream() {
        return log.publisher(chunk -> chunk);
    }

    /** The text of every {@code text-delta}, from the first, then live. */
    public Flow.Publisher<String> textStream() {
        return log.publisher(chunk -> chunk.view() instanceof ChunkView.TextDelta delta ? delta.text() : null);
    }

    /** {@link #fullStream()} as a blocking {@link Stream}, for a (virtual) thread per reader. */
    public Stream<Chunk> chunks() {
        return log.stream();
    }

    /** The summary so far. */
    public synchronized RunSummary snapshot() {
        return fold.summary();
    }

    /** The run's summary, when its stream has ended. */
    public CompletableFuture<RunSummary> summary() {
        return ended.copy();
    }

    public CompletableFuture<String> text() {
        return ended.thenApply(RunSummary::text);
    }

    public CompletableFuture<Usage> usage() {
        return ended.thenApply(RunSummary::usage);
    }

    public CompletableFuture<Optional<String>> finishReason() {
        return ended.thenApply(RunSummary::finishReason);
    }

    public CompletableFuture<RunStatus> status() {
        return ended.thenApply(RunSummary::status);
    }

    /** A workflow's final output ({@code finalWorkflowResult}); a {@code MissingNode} when there is none. */
    public CompletableFuture<JsonNode> result() {
        return ended.thenApply(RunSummary::result);
    }
}
