package dev.runstream.bridge.subscribe.internal;

import dev.runstream.bridge.subscribe.FollowedRun;
import dev.runstream.bridge.subscribe.LiveChunk;
import dev.runstream.bridge.subscribe.LiveRunFanout;
import dev.runstream.bridge.subscribe.RunSubscription;
import dev.runstream.bridge.subscribe.StartPosition;
import dev.runstream.core.stream.RunStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one run's stream from a {@link LiveRunFanout} follower, on a virtual thread of its own: the run is read by
 * the fan-out's shared consumers, not by a consumer per subscription. Appends every chunk from the start position to
 * the stream, and stops after the terminal chunk, after an error chunk with nothing following within the grace
 * time, or when closed. Appending never blocks (the stream buffers for its own subscribers), so the follower keeps
 * up with the run; if it is cut anyway it follows again from where it was.
 */
public final class FollowedRunReader implements RunSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(FollowedRunReader.class);
    private static final Duration WAIT = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int BATCH = 256;

    private final RunStream stream;
    private final Duration errorGrace;
    private volatile boolean closed;
    private Thread thread;

    private FollowedRunReader(String runId, long errorGraceMs) {
        this.stream = RunStream.create(runId);
        this.errorGrace = Duration.ofMillis(errorGraceMs);
    }

    /**
     * Starts following {@code runId} (a valid run id) from {@code start}. A {@link StartPosition#isLive() live} start
     * is taken here, before this returns: the stream holds every chunk stored after this call, however late its
     * thread gets going.
     */
    public static FollowedRunReader start(String runId, LiveRunFanout fanout, StartPosition start,
            long errorGraceMs) {
        FollowedRunReader reader = new FollowedRunReader(runId, errorGraceMs);
        FollowedRun followed = null;
        RuntimeException failure = null;
        try {
            followed = FollowedRun.follow(fanout, runId, start.isLive() ? 0 : start.sequence(),
                    reader.errorGrace, FollowedRun.WhenTooSlow.FOLLOW_AGAIN);
            if (start.isLive()) {
                followed.skipStored(TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new dev.runstream.core.RunstreamException("run '" + runId + "': interrupted while subscribing",
                    e);
        } catch (RuntimeException e) {
            failure = e;
        }
        FollowedRun ready = followed;
        RuntimeException failed = failure;
        reader.thread = Thread.ofVirtual().name("runstream-subscriber-" + runId).start(() -> reader.run(ready,
                failed));
        return reader;
    }

    @Override
    public RunStream stream() {
        return stream;
    }

    private void run(FollowedRun followed, RuntimeException failedToStart) {
        try {
            if (failedToStart != null) {
                throw failedToStart;
            }
            while (!closed && !followed.ended()) {
                for (LiveChunk chunk : followed.next(BATCH, WAIT)) {
                    stream.append(chunk.stored(stream.runId()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("subscription to run '{}' failed", stream.runId(), e);
                stream.fail(e);
            }
        } finally {
            if (followed != null) {
                followed.close();
            }
            stream.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
