package dev.runstream.bridge.subscribe;

import java.time.Duration;
import java.util.List;

/**
 * One reader's following of one run through the {@link LiveRunFanout}, the one live-read path of the Java API and
 * of SSE: it follows the run again where it was when the run's topic is deleted under it (the rest is read from the
 * persisted log), and it says when the reader's stream ends — after the run's terminal chunk (nothing after it is
 * handed out), after an {@code error} chunk that nothing followed within the error grace, at the end of an ended
 * run's persisted log, or at once for a reader that starts after the chunk that ended the run. What happens to a reader too slow for the run's window is its {@link WhenTooSlow} policy.
 */
public final class FollowedRun implements AutoCloseable {

    /** What happens when the reader falls further behind the run than its window. */
    public enum WhenTooSlow {
        /** {@link #next} throws {@link FollowerTooSlowException}: the reader is cut and may resume later. */
        CUT,
        /** The run is followed again from the reader's position (the chunks it missed are read from Kafka). */
        FOLLOW_AGAIN
    }

    private final LiveRunFanout fanout;
    private final Duration errorGrace;
    private final WhenTooSlow whenTooSlow;
    private RunFollower follower;
    private long lastErrorAt = -1;
    private boolean ended;

    private FollowedRun(LiveRunFanout fanout, RunFollower follower, Duration errorGrace, WhenTooSlow whenTooSlow) {
        this.fanout = fanout;
        this.follower = follower;
        this.errorGrace = errorGrace;
        this.whenTooSlow = whenTooSlow;
    }

    /** Follows {@code runId} from its chunk {@code fromSequence} on. */
    public static FollowedRun follow(LiveRunFanout fanout, String runId, long fromSequence, Duration errorGrace,
            WhenTooSlow whenTooSlow) {
        return new FollowedRun(fanout, fanout.follow(runId, fromSequence), errorGrace, whenTooSlow);
    }

    public String runId() {
        return follower.runId();
    }

    /** See {@link RunFollower#endedBeforeNow}. */
    public boolean endedBeforeNow(Duration timeout) throws InterruptedException {
        return follower.endedBeforeNow(timeout);
    }

    /** See {@link RunFollower#skipStored}. */
    public void skipStored(Duration timeout) throws InterruptedException {
        follower.skipStored(timeout);
    }

    /**
     * The next chunks, at most {@code max}, waiting at most {@code maxWait} (less while an error's grace runs out);
     * empty when none came. Once {@link #ended()} is true, empty.
     *
     * @throws FollowerTooSlowException when the reader fell behind the run's window and the policy is to cut it
     */
    public List<LiveChunk> next(int max, Duration maxWait) throws InterruptedException {
        while (!ended) {
            if (follower.endOfLog() || follower.pastStreamEnd()) {
                ended = true;
                break;
            }
            Duration wait = maxWait;
            if (lastErrorAt >= 0) {
                if (graceOver()) {
                    ended = true;
                    break;
                }
                long graceLeft = errorGrace.toMillis() - (System.currentTimeMillis() - lastErrorAt);
                wait = Duration.ofMillis(Math.min(maxWait.toMillis(), graceLeft));
            }
            List<LiveChunk> chunks;
            try {
                chunks = follower.next(max, wait);
            } catch (RunTopicGoneException gone) {
                followAgain(follower.nextSequence());
                continue;
            } catch (FollowerTooSlowException tooSlow) {
                if (whenTooSlow == WhenTooSlow.CUT) {
                    throw tooSlow;
                }
                followAgain(tooSlow.nextSequence());
                continue;
            }
            if (chunks.isEmpty()) {
                if (follower.endOfLog() || graceOver()) {
                    continue;
                }
                return chunks;
            }
            for (int i = 0; i < chunks.size(); i++) {
                LiveChunk chunk = chunks.get(i);
                lastErrorAt = chunk.type().equals("error") ? System.currentTimeMillis() : -1;
                if (chunk.endsStream()) {
                    ended = true;
                    return chunks.subList(0, i + 1);
                }
            }
            return chunks;
        }
        return List.of();
    }

    /** Whether the reader's stream is over: nothing more comes from {@link #next}. */
    public boolean ended() {
        return ended;
    }

    /** Whether an {@code error} chunk was the last one and nothing followed it within the grace. */
    private boolean graceOver() {
        return lastErrorAt >= 0 && System.currentTimeMillis() - lastErrorAt >= errorGrace.toMillis();
    }

    private void followAgain(long fromSequence) {
        String runId = follower.runId();
        follower.close();
        follower = fanout.follow(runId, fromSequence);
    }

    @Override
    public void close() {
        follower.close();
    }
}
