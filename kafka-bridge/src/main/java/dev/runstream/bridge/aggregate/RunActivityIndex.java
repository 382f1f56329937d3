package dev.runstream.bridge.aggregate;

import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The runs of one aggregator task in the run list's order — latest activity (last chunk) first, then run id — in
 * memory, so that a page of {@code GET /v1/runs} costs the page, not a read of every summary: one entry per run
 * (its id, last activity and status, about 100 bytes), one ordered set of all of them and one per status. Written by
 * the task's stream thread as it writes the store; read by any thread. It is complete once the task's store has been
 * read through after the task started; until then the list reads the store.
 */
public final class RunActivityIndex {

    /** One run's place in the list. */
    public record Entry(long activityMillis, String runId, RunStatus status) {
    }

    /** Latest activity first, then run id: the order of {@code GET /v1/runs}. Status is not part of the order. */
    public static final Comparator<Entry> LIST_ORDER = Comparator.comparingLong(Entry::activityMillis).reversed()
            .thenComparing(Entry::runId);

    private final Map<String, Entry> byRun = new ConcurrentHashMap<>();
    private final NavigableSet<Entry> all = new ConcurrentSkipListSet<>(LIST_ORDER);
    private final Map<RunStatus, NavigableSet<Entry>> byStatus = new EnumMap<>(RunStatus.class);
    private volatile boolean complete;

    public RunActivityIndex() {
        for (RunStatus status : RunStatus.values()) {
            byStatus.put(status, new ConcurrentSkipListSet<>(LIST_ORDER));
        }
    }

    /** The run's place from its new summary. */
    public void update(RunSummary summary) {
        Entry entry = new Entry(summary.lastChunkAt().map(at -> at.toEpochMilli()).orElse(0L), summary.runId(),
                summary.status());
        Entry old = byRun.put(summary.runId(), entry);
        if (entry.equals(old)) {
            return;
        }
        if (old != null) {
            all.remove(old);
            byStatus.get(old.status()).remove(old);
        }
        all.add(entry);
        byStatus.get(entry.status()).add(entry);
    }

    public void remove(String runId) {
        Entry old = byRun.remove(runId);
        if (old != null) {
            all.remove(old);
            byStatus.get(old.status()).remove(old);
        }
    }

    /** Every run of the task's store is in the index now. */
    public void markComplete() {
        complete = true;
    }

    /** Whether every run of the task's store is in the index. */
    public boolean complete() {
        return complete;
    }

    public int size() {
        return byRun.size();
    }

    /**
     * Up to {@code limit} runs in list order that come after {@code after} (null: from the start), whose status is
     * one of {@code statuses} (empty: any) and whose id contains {@code contains} (empty: any). Cost: the entries
     * walked, that is the page plus the runs the id filter passes over.
     */
    public List<Entry> page(Set<RunStatus> statuses, String contains, Entry after, int limit) {
        List<Entry> out = new ArrayList<>();
        if (statuses.isEmpty()) {
            collect(all, contains, after, limit, out);
            return out;
        }
        for (RunStatus status : statuses) {
            collect(byStatus.get(status), contains, after, limit, out);
        }
        out.sort(LIST_ORDER);
        return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
    }

    private static void collect(NavigableSet<Entry> set, String contains, Entry after, int limit, List<Entry> out) {
        int taken = 0;
        for (Entry entry : after == null ? set : set.tailSet(after, false)) {
            if (taken >= limit) {
                return;
            }
            if (contains.isEmpty() || entry.runId().contains(contains)) {
                out.add(entry);
                taken++;
            }
        }
    }
}
