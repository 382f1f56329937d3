package dev.runstream.bridge.publish.internal;

import dev.runstream.core.chunk.Chunk;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** What the publisher's sender thread takes from its queue, in the order writers and helpers handed it over. */
public sealed interface SenderTask {

    /**
     * A chunk to write. {@code expectedSequence} is the position the writer says it has in its run, or
     * {@link #ANY_SEQUENCE} when the publisher numbers it; {@code duplicate} is set when that position was already
     * stored and nothing was written.
     */
    record ChunkWrite(String runId, Chunk chunk, Instant timestamp, long expectedSequence, AtomicBoolean duplicate,
            CompletableFuture<Long> result) implements SenderTask {

        public static final long ANY_SEQUENCE = -1;

        public ChunkWrite(String runId, Chunk chunk, Instant timestamp, long expectedSequence) {
            this(runId, chunk, timestamp, expectedSequence, new AtomicBoolean(), new CompletableFuture<>());
        }
    }

    /** A writer's request to go on with a run after a failure; completes with the run's next sequence number. */
    record ResumeRun(String runId, CompletableFuture<Long> result) implements SenderTask {
    }

    /** The provisioning thread's answer for runs it was given. */
    record RunsProvisioned(Map<String, ProvisionOutcome> outcomes) implements SenderTask {
    }

    /** Forget what is known of the runs' numbering: their next chunk provisions them again. */
    record ForgetRuns(Collection<String> runIds) implements SenderTask {
    }

    /**
     * Hold the runs this publisher is not writing now while their topics are deleted: a chunk for a held run waits
     * until {@link ReleaseRuns}. Completes with the runs held.
     */
    record HoldRuns(Collection<String> runIds, CompletableFuture<Set<String>> held) implements SenderTask {
    }

    /** The held runs' topics are dealt with: their waiting chunks are provisioned anew. */
    record ReleaseRuns(Collection<String> runIds) implements SenderTask {
    }
}
