package dev.runstream.bridge.subscribe.internal;

import dev.runstream.bridge.subscribe.LiveChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.TopicPartition;

/**
 * What one instance holds of one followed run: the run's latest chunks (a window of at most {@code window} chunks,
 * the oldest dropped first), how far its topic has been read, and whether and where its stream ended. One
 * {@link FanoutLoop} appends; any number of followers read, each with its own cursor (an absolute index: the
 * {@code n}-th chunk this feed ever held), so that readers share the chunks and hold no copies.
 */
public final class RunFeed {

    private final String runId;
    private final TopicPartition partition;
    private final int window;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<LiveChunk> chunks = new ArrayList<>();
    private final List<Long> offsets = new ArrayList<>();
    /** Absolute index of {@code chunks.get(0)}. */
    private long dropped;
    /** The next offset of the topic to read: everything before it has been read. */
    private long position;
    /** The offset of the first chunk that ended the stream, or -1. */
    private long endOffset = -1;
    /** The sequence of the last chunk read, and whether it ended the run's stream. */
    private long lastSequence = -1;
    private boolean lastEndsStream;
    private RuntimeException failure;
    /** Whether the last poll left nothing of the topic unread: the window is the run's live tail. */
    private volatile boolean atEnd;
    private int followers;
    private long idleSince = System.nanoTime();

    /** Where the run's log starts in its partition: -1 for the partition's start (a run's own topic). */
    private final long startOffset;

    /** Where older chunks of the run may be, when the first read is past a reader's position; at most startOffset. */
    private final long catchUpFrom;

    /** A feed of a run that has its own topic, read from the partition's start. */
    public RunFeed(String runId, TopicPartition partition, int window) {
        this(runId, partition, -1, -1, window);
    }

    /**
     * A feed of a run whose log is read from {@code startOffset} of {@code partition}, which other runs share (the
     * shared layout): other runs' records are not the run's. Where {@code startOffset} is a guess (the run had no
     * visible summary), its older chunks may be found from {@code catchUpFrom} on.
     */
    public RunFeed(String runId, TopicPartition partition, long startOffset, long catchUpFrom, int window) {
        this.runId = runId;
        this.partition = partition;
        this.window = window;
        this.startOffset = startOffset;
        this.catchUpFrom = Math.min(startOffset, catchUpFrom);
        this.position = Math.max(0, startOffset);
    }

    /** Where chunks older than the window are read from (-1: the partition's start). */
    public long catchUpFrom() {
        return catchUpFrom;
    }

    /**
     * Whether the run may have chunks before where the feed reads from: its first chunk read may be past a reader's
     * position with older ones still in the partition (from {@link #catchUpFrom()}).
     */
    public boolean mayStartEarlier() {
        return catchUpFrom < startOffset;
    }

    /** Where the run's log starts in its partition; -1 for the partition's start. */
    public long startOffset() {
        return startOffset;
    }

    /** The next offset of the partition to read for this run: everything before it has been read. */
    public long position() {
        lock.lock();
        try {
            return position;
        } finally {
            lock.unlock();
        }
    }

    public String runId() {
        return runId;
    }

    public TopicPartition partition() {
        return partition;
    }

    public int window() {
        return window;
    }

    /**
     * Appends what was read, up to {@code newPosition}, and wakes the followers; {@code nowAtEnd} says whether the
     * topic has been read to its end. Called by the loop only.
     */
    public void append(List<LiveChunk> read, List<Long> readOffsets, long newPosition, boolean nowAtEnd) {
        lock.lock();
        try {
            atEnd = nowAtEnd;
            for (int i = 0; i < read.size(); i++) {
                LiveChunk chunk = read.get(i);
                chunks.add(chunk);
                offsets.add(readOffsets.get(i));
                if (chunk.endsStream() && endOffset < 0) {
                    endOffset = readOffsets.get(i);
                }
                lastSequence = chunk.sequence();
                lastEndsStream = chunk.endsStream();
            }
            int excess = chunks.size() - window;
            if (excess > 0) {
                // Drop a quarter window at once so that dropping stays amortised O(1) per chunk.
                int drop = Math.min(chunks.size(), excess + window / 4);
                chunks.subList(0, drop).clear();
                offsets.subList(0, drop).clear();
                dropped += drop;
            }
            position = Math.max(position, newPosition);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the feed has read its topic to the end: its window holds the run's live tail. */
    public boolean atEnd() {
        return atEnd;
    }

    /** Ends every follower's wait with {@code error}. */
    public void fail(RuntimeException error) {
        lock.lock();
        try {
            failure = error;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the topic has been read up to {@code offset} (exclusive) or {@code timeoutNanos} passed; then
     * whether a chunk before {@code offset} ended the stream.
     *
     * @return null when the wait timed out
     */
    /**
     * The sequence of the chunk that ended the run's stream when it is the last chunk read so far, else -1: a
     * follower past it has nothing more to wait for until a writer brings the run back.
     */
    public long streamEndSequence() {
        lock.lock();
        try {
            return lastEndsStream ? lastSequence : -1;
        } finally {
            lock.unlock();
        }
    }

    public Boolean endedBefore(long offset, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (position < offset && failure == null) {
                if (left <= 0) {
                    return null;
                }
                left = changed.awaitNanos(left);
            }
            throwIfFailed();
            return endOffset >= 0 && endOffset < offset;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The chunks from absolute index {@code from} on (at most {@code max}), waiting up to {@code timeoutNanos} for
     * the first one; empty when none came. Chunks before the window are reported by a {@link Window} whose
     * {@code firstIndex} is past {@code from}.
     */
    public Window read(long from, int max, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (from >= dropped + chunks.size() && failure == null && left > 0) {
                left = changed.awaitNanos(left);
            }
            throwIfFailed();
            if (from < dropped) {
                return new Window(dropped, firstSequence(), List.of());
            }
            int start = (int) (from - dropped);
            int end = Math.min(chunks.size(), start + max);
            return new Window(dropped, firstSequence(), List.copyOf(chunks.subList(start, end)));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The absolute index of the first chunk read from {@code offset} or later: of the next chunk to come when every
     * chunk held was read before it. Call once the feed has read up to {@code offset} ({@link #endedBefore}).
     */
    public long indexOfOffset(long offset) {
        lock.lock();
        try {
            for (int i = 0; i < offsets.size(); i++) {
                if (offsets.get(i) >= offset) {
                    return dropped + i;
                }
            }
            return dropped + chunks.size();
        } finally {
            lock.unlock();
        }
    }

    /** What a follower read: where the window starts (index and sequence, -1 when empty) and the chunks. */
    public record Window(long firstIndex, long firstSequence, List<LiveChunk> chunks) {
    }

    private long firstSequence() {
        return chunks.isEmpty() ? -1 : chunks.get(0).sequence();
    }

    private void throwIfFailed() {
        if (failure != null) {
            throw failure;
        }
    }

    public int addFollower() {
        lock.lock();
        try {
            return ++followers;
        } finally {
            lock.unlock();
        }
    }

    public int removeFollower() {
        lock.lock();
        try {
            if (--followers == 0) {
                idleSince = System.nanoTime();
            }
            return followers;
        } finally {
            lock.unlock();
        }
    }

    /** Whether no one has followed the run for {@code lingerNanos}. */
    public boolean idleFor(long lingerNanos) {
        lock.lock();
        try {
            return followers == 0 && System.nanoTime() - idleSince >= lingerNanos;
        } finally {
            lock.unlock();
        }
    }

    public int followers() {
        lock.lock();
        try {
            return followers;
        } finally {
            lock.unlock();
        }
    }
}
