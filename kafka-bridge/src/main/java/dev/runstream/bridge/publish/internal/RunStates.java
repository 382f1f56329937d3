package dev.runstream.bridge.publish.internal;

import dev.runstream.bridge.publish.internal.SenderTask.ChunkWrite;
import dev.runstream.bridge.publish.internal.SenderTask.ResumeRun;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the publisher knows of each run it writes: whether its topic is being provisioned, ready (with the sequence
 * number of its next chunk), broken by a failed chunk, or held while its topic is deleted; and the chunks and resume
 * requests that wait for it. A run the publisher knows nothing of is provisioned on its next chunk. Used by the
 * sender thread only.
 */
public final class RunStates {

    /** Where a run stands. */
    public enum Phase { PROVISIONING, READY, BROKEN, HELD }

    /** One run's state; its chunks wait in {@code waiting}, in the order they were handed over. */
    public static final class RunState {
        private Phase phase;
        private long next;
        /** The sequence number of the run's first failed chunk, or -1 when it failed before numbering. */
        private long failedAt = -1;
        private long lastWrite;
        private final List<ChunkWrite> waiting = new ArrayList<>();
        private final List<ResumeRun> resumes = new ArrayList<>();

        private RunState(Phase phase) {
            this.phase = phase;
        }

        public Phase phase() {
            return phase;
        }

        public long next() {
            return next;
        }

        public long failedAt() {
            return failedAt;
        }

        public List<ChunkWrite> waiting() {
            return waiting;
        }

        public List<ResumeRun> resumes() {
            return resumes;
        }

        public void ready(long nextSequence) {
            phase = Phase.READY;
            lastWrite = System.nanoTime();
            next = nextSequence;
            failedAt = -1;
        }

        /** Breaks the run at {@code sequence} (-1: before numbering); an earlier break is kept. */
        public void breakAt(long sequence) {
            if (phase != Phase.BROKEN) {
                phase = Phase.BROKEN;
                failedAt = sequence;
            } else if (sequence >= 0 && (failedAt < 0 || sequence < failedAt)) {
                failedAt = sequence;
            }
        }

        public void provisioning() {
            phase = Phase.PROVISIONING;
        }

        /** Takes the next sequence number, at {@code nanoTime}. */
        public long take(long nanoTime) {
            lastWrite = nanoTime;
            return next++;
        }

        /** Records that the run was written (committed) at {@code nanoTime}. */
        public void touch(long nanoTime) {
            lastWrite = Math.max(lastWrite, nanoTime);
        }

        /** How long, up to {@code nanoTime}, the run has not been written (or since it became ready). */
        public long idleFor(long nanoTime) {
            return nanoTime - lastWrite;
        }

        /** Gives back the last sequence number taken (its chunk was not written). */
        public void giveBack(long sequence) {
            next = sequence;
        }
    }

    private final int maxReady;
    private final Map<String, RunState> runs = new LinkedHashMap<>(1024, 0.75f, true);
    private int waitingChunks;

    /** @param maxReady how many ready runs are kept at most; the least recently written go first */
    public RunStates(int maxReady) {
        this.maxReady = maxReady;
    }

    public RunState get(String runId) {
        return runs.get(runId);
    }

    public RunState start(String runId, Phase phase) {
        RunState state = new RunState(phase);
        runs.put(runId, state);
        return state;
    }

    public void remove(String runId) {
        runs.remove(runId);
    }

    /** Forgets the run if it is ready and nothing of it waits (its next chunk provisions it again). */
    public void forgetIfReady(String runId) {
        RunState state = runs.get(runId);
        if (state != null && state.phase == Phase.READY && state.waiting.isEmpty() && state.resumes.isEmpty()) {
            runs.remove(runId);
        }
    }

    /** Parks a chunk until the run is ready. */
    public void park(RunState state, ChunkWrite chunk) {
        state.waiting.add(chunk);
        waitingChunks++;
    }

    /** Takes the run's waiting chunks, in order. */
    public List<ChunkWrite> unpark(RunState state) {
        List<ChunkWrite> chunks = new ArrayList<>(state.waiting);
        waitingChunks -= chunks.size();
        state.waiting.clear();
        return chunks;
    }

    /** Whether chunks wait for runs being provisioned or held. */
    public boolean anyWaiting() {
        return waitingChunks > 0;
    }

    /** Every run's waiting chunks and resume requests, taken (for close). */
    public List<RunState> drainAll() {
        List<RunState> all = new ArrayList<>(runs.values());
        runs.clear();
        waitingChunks = 0;
        return all;
    }

    /** Drops the least recently used ready runs beyond {@code maxReady}. */
    public void trim() {
        if (runs.size() <= maxReady) {
            return;
        }
        Iterator<RunState> eldest = runs.values().iterator();
        while (runs.size() > maxReady && eldest.hasNext()) {
            RunState state = eldest.next();
            if (state.phase == Phase.READY && state.waiting.isEmpty()) {
                eldest.remove();
            }
        }
    }

    public int size() {
        return runs.size();
    }
}
