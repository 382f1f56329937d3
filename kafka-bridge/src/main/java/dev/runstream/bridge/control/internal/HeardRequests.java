package dev.runstream.bridge.control.internal;

import dev.runstream.core.fold.CancelRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cancel requests this instance heard lately, first per run, and who waits for which run. Bounded: at most
 * {@link #CAPACITY} runs, each kept {@link #KEPT}. A waiter is dropped when its stage completes, either way: a
 * writer that no longer waits cancels its stage.
 */
public final class HeardRequests {

    public static final int CAPACITY = 100_000;
    public static final Duration KEPT = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(HeardRequests.class);

    private record Heard(CancelRequest request, long heardAtMs) {
    }

    private final Clock clock;
    private final LinkedHashMap<String, Heard> heard = new LinkedHashMap<>();
    private final Map<String, Set<CompletableFuture<CancelRequest>>> waiters = new HashMap<>();
    private final List<BiConsumer<String, CancelRequest>> listeners = new CopyOnWriteArrayList<>();

    public HeardRequests(Clock clock) {
        this.clock = clock;
    }

    /** Records a request heard; the first of a run wakes its waiters and every listener. */
    public void hear(String runId, CancelRequest request) {
        Set<CompletableFuture<CancelRequest>> woken;
        synchronized (this) {
            expire();
            if (heard.containsKey(runId)) {
                return;
            }
            heard.put(runId, new Heard(request, clock.millis()));
            woken = waiters.remove(runId);
        }
        if (woken != null) {
            woken.forEach(waiter -> waiter.complete(request));
        }
        for (BiConsumer<String, CancelRequest> listener : listeners) {
            try {
                listener.accept(runId, request);
            } catch (RuntimeException e) {
                LOG.warn("A listener of cancel requests failed on run '{}'", runId, e);
            }
        }
    }

    public synchronized Optional<CancelRequest> get(String runId) {
        expire();
        Heard entry = heard.get(runId);
        return entry == null ? Optional.empty() : Optional.of(entry.request());
    }

    /** A stage that completes with the run's request: at once when one was heard, else when it is. */
    public CompletionStage<CancelRequest> waitFor(String runId) {
        CompletableFuture<CancelRequest> waiter = new CompletableFuture<>();
        synchronized (this) {
            expire();
            Heard entry = heard.get(runId);
            if (entry != null) {
                return CompletableFuture.completedFuture(entry.request());
            }
            waiters.computeIfAbsent(runId, id -> new HashSet<>()).add(waiter);
        }
        waiter.whenComplete((request, error) -> drop(runId, waiter));
        return waiter;
    }

    public void addListener(BiConsumer<String, CancelRequest> listener) {
        listeners.add(listener);
    }

    /** How many stages wait now (for monitoring and tests). */
    public synchronized int waiting() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    private synchronized void drop(String runId, CompletableFuture<CancelRequest> waiter) {
        Set<CompletableFuture<CancelRequest>> set = waiters.get(runId);
        if (set != null && set.remove(waiter) && set.isEmpty()) {
            waiters.remove(runId);
        }
    }

    private void expire() {
        long cutoff = clock.millis() - KEPT.toMillis();
        Iterator<Heard> oldest = heard.values().iterator();
        while (oldest.hasNext()) {
            Heard entry = oldest.next();
            if (heard.size() <= CAPACITY && entry.heardAtMs() > cutoff) {
                break;
            }
            oldest.remove();
        }
    }
}
