package dev.runstream.bridge.subscribe;

import dev.runstream.bridge.subscribe.internal.CatchUpReader;
import dev.runstream.bridge.subscribe.internal.RunFeed;
import dev.runstream.core.Deadline;
import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * One reader's cursor on a run followed through {@link LiveRunFanout}: the run's chunks in order, from the sequence
 * it started at, as they are stored. Not thread-safe: one reader, one thread. The cursor is an index into the run's
 * window; chunks the window no longer holds are read from the topic, in reads of at most a window each. A run whose
 * topic is gone ({@link RunLog.Persisted}) is read from its persisted chunks first (its backlog); a run that had
 * ended then has nothing more ({@link #endOfLog()}), one that had not goes on in its topic when a writer brings it
 * back.
 */
public final class RunFollower implements AutoCloseable {

    /** How long the end of a run's topic is waited for to be stable (no transaction on it undecided). */
    private static final Duration STABLE_WAIT = Duration.ofSeconds(2);

    /** The run's topic, or null for a run that ended and whose topic is gone. */
    private final RunFeed feed;
    private final String runId;
    private final java.util.ArrayDeque<LiveChunk> backlog;
    /** Whether the run's persisted log was read because its topic is gone, and whether the run had ended. */
    private final boolean persisted;
    private final boolean persistedEnded;
    private final Admin admin;
    private final CatchUpReader catchUp;
    private final Runnable onClose;
    private long cursor;
    private long nextSequence;
    private boolean live;
    /** Whether the chunks before the feed's first were looked for and none was found (see RunFeed#mayStartEarlier). */
    private boolean lookedEarlier;
    private boolean closed;

    RunFollower(RunFeed feed, long fromSequence, Admin admin, CatchUpReader catchUp, Runnable onClose) {
        this(feed.runId(), feed, fromSequence, List.of(), false, false, admin, catchUp, onClose);
    }

    /**
     * A follower of a run whose topic is gone: its persisted chunks from {@code fromSequence} are its backlog; then
     * {@code feed} (null when the run had ended).
     */
    RunFollower(String runId, RunFeed feed, long fromSequence, List<LiveChunk> backlog, boolean persisted,
            boolean persistedEnded, Admin admin, CatchUpReader catchUp, Runnable onClose) {
        this.runId = runId;
        this.feed = feed;
        this.backlog = new java.util.ArrayDeque<>(backlog);
        this.persisted = persisted;
        this.persistedEnded = persistedEnded;
        this.nextSequence = fromSequence;
        this.admin = admin;
        this.catchUp = catchUp;
        this.onClose = onClose;
    }

    public String runId() {
        return runId;
    }

    /**
     * Whether this follower has returned all there is and ever will be of the run: the run had ended before it was
     * followed, its topic was gone, and every persisted chunk from the start sequence on has been returned.
     */
    public boolean endOfLog() {
        return feed == null && backlog.isEmpty();
    }

    /**
     * Whether this follower starts past the chunk that ended the run's stream, with nothing read after it: a reader
     * resuming after the last event of an ended run (or of a leg that ended), who has nothing to wait for.
     */
    public boolean pastStreamEnd() {
        if (feed == null || !backlog.isEmpty()) {
            return false;
        }
        long end = feed.streamEndSequence();
        return end >= 0 && nextSequence > end;
    }

    /** The sequence of the next chunk this follower will return. */
    public long nextSequence() {
        return nextSequence;
    }

    /**
     * Whether the run's stream had already ended when this was called: waits until every chunk stored by then has
     * been read. A run that ended is replayed (Mastra's storage semantics: without transient chunks); one that had
     * not is followed live.
     *
     * @throws RunstreamException when the run's topic could not be read within {@code timeout}
     */
    public boolean endedBeforeNow(Duration timeout) throws InterruptedException {
        if (persisted) {
            return persistedEnded;
        }
        long end = committedEnd(timeout);
        Boolean ended = end == 0 ? Boolean.FALSE : feed.endedBefore(end, timeout.toNanos());
        if (ended == null) {
            throw new RunstreamException("run '" + runId() + "': its topic could not be read up to offset " + end
                    + " within " + timeout.toMillis() + " ms");
        }
        return ended;
    }

    /**
     * Moves this follower past every chunk of the run stored now: it returns only the chunks stored after this call
     * (a reader of "what comes next").
     *
     * @throws RunstreamException when the run's topic could not be read within {@code timeout}
     */
    public void skipStored(Duration timeout) throws InterruptedException {
        if (persisted) {
            if (!backlog.isEmpty()) {
                nextSequence = backlog.getLast().sequence() + 1;
                backlog.clear();
            }
            return;
        }
        long end = committedEnd(timeout);
        if (end == 0) {
            return;
        }
        if (feed.endedBefore(end, timeout.toNanos()) == null) {
            throw new RunstreamException("run '" + runId() + "': its topic could not be read up to offset " + end
                    + " within " + timeout.toMillis() + " ms");
        }
        cursor = feed.indexOfOffset(end);
        live = true;
    }

    private long committedEnd(Duration timeout) throws InterruptedException {
        var partition = feed.partition();
        try {
            // Asked first: ListOffsets of a topic that does not exist yet is logged at ERROR by the admin client.
            admin.describeTopics(List.of(partition.topic())).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            // A commit returns before the broker has written the transaction's markers, and until then the last
            // stable offset ends before chunks whose writer was told they are stored: wait (briefly) until every
            // transaction open at this call is decided, so that "now" includes every chunk acknowledged before this
            // call. The wait is for the transactions seen, not for a quiet moment, which a partition that other
            // runs share (the shared layout) may never have.
            long written = offset(partition, IsolationLevel.READ_UNCOMMITTED, timeout);
            Deadline deadline = Deadline.after(timeout.compareTo(STABLE_WAIT) < 0 ? timeout : STABLE_WAIT);
            while (true) {
                long stable = offset(partition, IsolationLevel.READ_COMMITTED, timeout);
                if (stable >= written || deadline.passed()) {
                    return stable;
                }
                Thread.sleep(10);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0;
            }
            throw new RunstreamException("run '" + runId() + "': the end of its topic could not be read: "
                    + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RunstreamException("run '" + runId() + "': the end of its topic could not be read within "
                    + timeout.toMillis() + " ms", e);
        }
    }

    private long offset(org.apache.kafka.common.TopicPartition partition, IsolationLevel isolation, Duration timeout)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                .partitionResult(partition).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
    }

    /**
     * The next chunks (at most {@code max}), waiting up to {@code maxWait} for the first; empty when none came.
     *
     * @throws FollowerTooSlowException when this follower fell out of the run's window while following it live
     * @throws RunstreamException when the run's topic cannot be read
     */
    public List<LiveChunk> next(int max, Duration maxWait) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("the follower of run '" + runId() + "' is closed");
        }
        if (!backlog.isEmpty()) {
            List<LiveChunk> chunks = new ArrayList<>(Math.min(max, backlog.size()));
            while (chunks.size() < max && !backlog.isEmpty()) {
                LiveChunk chunk = backlog.poll();
                if (chunk.sequence() >= nextSequence) {
                    chunks.add(chunk);
                    nextSequence = chunk.sequence() + 1;
                }
            }
            return chunks;
        }
        if (feed == null) {
            Thread.sleep(Math.max(0, maxWait.toMillis()));
            return List.of();
        }
        Deadline deadline = Deadline.after(maxWait);
        while (true) {
            long left = deadline.remaining().toNanos();
            RunFeed.Window window = feed.read(cursor, max, Math.max(0, left));
            boolean earlierMayBeMissing = cursor == window.firstIndex() && !live && !lookedEarlier
                    && feed.mayStartEarlier() && window.firstSequence() > nextSequence;
            if (cursor < window.firstIndex() || earlierMayBeMissing) {
                List<LiveChunk> older = catchUp(window);
                if (!older.isEmpty()) {
                    return older;
                }
                continue;
            }
            List<LiveChunk> chunks = new ArrayList<>(window.chunks().size());
            for (LiveChunk chunk : window.chunks()) {
                cursor++;
                if (chunk.sequence() >= nextSequence) {
                    chunks.add(chunk);
                    nextSequence = chunk.sequence() + 1;
                }
            }
            if (!window.chunks().isEmpty() && feed.atEnd()) {
                live = true;
            }
            if (!chunks.isEmpty() || left <= 0) {
                return chunks;
            }
        }
    }

    /**
     * The chunks before the window, from the topic, for a follower that has not reached the run's live tail yet (a
     * reader that starts early in a long run, or reads a backlog slower than the feed); one that had reached the
     * live tail and fell out of the window since is too slow for the run, and is cut.
     */
    private List<LiveChunk> catchUp(RunFeed.Window window) throws InterruptedException {
        if (live) {
            throw new FollowerTooSlowException(runId(), nextSequence, feed.window());
        }
        if (window.firstSequence() <= nextSequence) {
            cursor = window.firstIndex();
            return List.of();
        }
        List<LiveChunk> older = catchUp.read(runId(), feed.partition(), feed.catchUpFrom(), nextSequence,
                window.firstSequence(), feed.window());
        if (!older.isEmpty()) {
            nextSequence = older.get(older.size() - 1).sequence() + 1;
        } else {
            cursor = window.firstIndex();
            lookedEarlier = true;
        }
        return older;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}
