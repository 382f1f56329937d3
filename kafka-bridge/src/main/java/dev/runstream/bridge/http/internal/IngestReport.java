package dev.runstream.bridge.http.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.publish.PublishedChunk;
import dev.runstream.bridge.publish.RunResumeException;
import dev.runstream.core.OutOfOrderChunkException;
import dev.runstream.core.RunstreamException;
import dev.runstream.core.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What became of the chunks of one ingest request, filled in as the publisher answers: how many were stored, which
 * were duplicates of stored ones, the first and last sequence numbers, and each rejected chunk with where it was in
 * the body and why. Thread-safe: publisher callbacks complete it while the request thread reads on.
 */
final class IngestReport {

    /** Rejections listed one by one; past this many only their number grows. */
    static final int MAX_LISTED_REJECTIONS = 1000;

    private final String runId;
    private final BridgeMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition settled = lock.newCondition();
    private final List<ObjectNode> rejections = new ArrayList<>();
    private long rejected;
    private long conflicts;
    private long unresumable;
    private long accepted;
    private long duplicates;
    private long firstSequence = -1;
    private long lastSequence = -1;
    private long pending;

    IngestReport(String runId, BridgeMetrics metrics) {
        this.runId = runId;
        this.metrics = metrics;
    }

    void reject(long index, long line, String reason) {
        lock.lock();
        try {
            rejected++;
            if (rejections.size() < MAX_LISTED_REJECTIONS) {
                ObjectNode rejection = Json.object();
                rejection.put("index", index);
                rejection.put("line", line);
                rejection.put("reason", reason);
                rejections.add(rejection);
            }
        } finally {
            lock.unlock();
        }
        metrics.chunkRejected();
    }

    /** Follows one chunk handed to the publisher. */
    void track(long index, long line, CompletionStage<PublishedChunk> stage) {
        lock.lock();
        try {
            pending++;
        } finally {
            lock.unlock();
        }
        stage.whenComplete((published, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
                if (cause instanceof OutOfOrderChunkException || cause instanceof RunResumeException) {
                    lock.lock();
                    try {
                        if (cause instanceof OutOfOrderChunkException) {
                            conflicts++;
                        } else {
                            unresumable++;
                        }
                    } finally {
                        lock.unlock();
                    }
                }
                reject(index, line, cause instanceof RunstreamException || cause instanceof IllegalArgumentException
                        ? cause.getMessage() : "not stored: " + cause);
            } else {
                stored(published);
            }
            lock.lock();
            try {
                pending--;
                settled.signalAll();
            } finally {
                lock.unlock();
            }
        });
    }

    private void stored(PublishedChunk published) {
        lock.lock();
        try {
            if (published.duplicate()) {
                duplicates++;
            } else {
                accepted++;
            }
            if (firstSequence < 0 || published.sequence() < firstSequence) {
                firstSequence = published.sequence();
            }
            lastSequence = Math.max(lastSequence, published.sequence());
        } finally {
            lock.unlock();
        }
        if (published.duplicate()) {
            metrics.chunkDuplicate();
        } else {
            metrics.chunkIn();
        }
    }

    /** Waits until the publisher has answered for every chunk; false when {@code timeout} passed first. */
    boolean awaitSettled(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long left = timeout.toNanos();
            while (pending > 0) {
                if (left <= 0) {
                    return false;
                }
                left = settled.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    long rejected() {
        lock.lock();
        try {
            return rejected;
        } finally {
            lock.unlock();
        }
    }

    /** Whether every rejection was a chunk not stored because its broken run could not be resumed now. */
    boolean onlyUnresumable() {
        lock.lock();
        try {
            return rejected > 0 && unresumable == rejected;
        } finally {
            lock.unlock();
        }
    }

    /** Whether every rejection was a sequence conflict (a gap in the writer's numbering). */
    boolean onlyConflicts() {
        lock.lock();
        try {
            return rejected > 0 && conflicts == rejected;
        } finally {
            lock.unlock();
        }
    }

    ObjectNode toJson(String format) {
        lock.lock();
        try {
            ObjectNode json = Json.object();
            json.put("runId", runId);
            json.put("format", format);
            json.put("accepted", accepted);
            json.put("duplicates", duplicates);
            json.put("rejected", rejected);
            if (firstSequence >= 0) {
                json.put("firstSequence", firstSequence);
                json.put("lastSequence", lastSequence);
                json.put("nextSequence", lastSequence + 1);
            }
            ArrayNode list = json.putArray("rejections");
            rejections.forEach(list::add);
            return json;
        } finally {
            lock.unlock();
        }
    }

    static Duration settleTimeout() {
        return Duration.ofMinutes(2);
    }

}
