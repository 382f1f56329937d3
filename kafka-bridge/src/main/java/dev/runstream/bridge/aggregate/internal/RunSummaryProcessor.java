package dev.runstream.bridge.aggregate.internal;

import dev.runstream.bridge.aggregate.RunActivityIndex;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each run's {@link RunSummary} in the store {@code run-summaries} (keyed by run id) and emits its changes,
 * keyed by run id. Its input is keyed per chunk, so it reads the run from the value: no repartition is needed, as
 * the chunks topic is partitioned by run id.
 *
 * <ul>
 *   <li>A chunk is folded with {@link RunFold}. A change that leaves a running run running is emitted at the next
 *       emit punctuation (every {@code aggregator.commit.interval.ms}, as the DSL's record cache did); any other
 *       change (a new run, a status change, an update of a run that is not running) is emitted at once.</li>
 *   <li>A cancel request is recorded in the run's summary ({@link RunFold#requestCancel}) and emitted at once.</li>
 *   <li>An erase removes the summary and emits an {@link SummaryUpdate#erased} update covering chunk keys
 *       {@code 0..lastSequence} (transient positions included, which were never persisted: a tombstone of a key that
 *       never existed is harmless), with headers saying what was done ({@link RunstreamHeaders#ERASE_ID},
 *       {@link RunstreamHeaders#ERASED_CHUNKS}, {@link RunstreamHeaders#ERASED_SUMMARY},
 *       {@link RunstreamHeaders#ERASE_MARKER_OFFSET}). A chunk after it starts a new summary.</li>
 *   <li>With {@code run.abandon.after.ms} on, a wall-clock punctuation marks running runs whose last chunk is older
 *       than that {@link RunStatus#ABANDONED} ({@link RunFold#abandon}). It looks only at the running runs
 *       ({@link OpenRuns}, in memory), not at the whole store.</li>
 *   <li>Every write also places the run in the task's {@link RunActivityIndex}, the run list's order.</li>
 * </ul>
 */
public final class RunSummaryProcessor implements Processor<String, FoldInput, String, SummaryUpdate> {

    private static final Logger LOG = LoggerFactory.getLogger(RunSummaryProcessor.class);
    private static final int LATEST_CAPACITY = 10_000;
    /** Summaries read per emit punctuation while the running runs are rebuilt from the store. */
    static final int REBUILD_STEP = 1000;
    static final Duration MIN_ABANDON_CHECK = Duration.ofSeconds(1);
    static final Duration MAX_ABANDON_CHECK = Duration.ofSeconds(60);

    private final String storeName;
    private final Duration emitInterval;
    private final long abandonAfterMs;
    private final OpenRuns open = new OpenRuns();
    /**
     * The summaries this processor last put, by run, most recently used last: the store's cache holds them
     * serialised, and reading a run's summary back for each of its chunks decoded it every time (a fifth of the
     * stream thread's time). Every write of the store goes through this processor, so an entry is never stale.
     */
    private final Map<String, ValueAndTimestamp<RunSummary>> latest = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ValueAndTimestamp<RunSummary>> eldest) {
            return size() > LATEST_CAPACITY;
        }
    };
    private final RunActivityIndexes indexes;
    private final RunActivityIndex index = new RunActivityIndex();
    private ProcessorContext<String, SummaryUpdate> context;
    private TimestampedKeyValueStore<String, RunSummary> store;

    /**
     * @param emitInterval   how often pending changes of running runs are emitted
     * @param abandonAfterMs idle time after which a running run is abandoned; -1: never
     */
    public RunSummaryProcessor(String storeName, Duration emitInterval, long abandonAfterMs,
            RunActivityIndexes indexes) {
        this.indexes = Objects.requireNonNull(indexes, "indexes");
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.emitInterval = Objects.requireNonNull(emitInterval, "emitInterval");
        this.abandonAfterMs = abandonAfterMs;
    }

    /** A tenth of the idle time, between {@link #MIN_ABANDON_CHECK} and {@link #MAX_ABANDON_CHECK}. */
    public static Duration abandonCheckInterval(long abandonAfterMs) {
        long tenth = Math.max(abandonAfterMs / 10, MIN_ABANDON_CHECK.toMillis());
        return Duration.ofMillis(Math.min(tenth, MAX_ABANDON_CHECK.toMillis()));
    }

    @Override
    public void init(ProcessorContext<String, SummaryUpdate> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        indexes.register(context.taskId(), index);
        context.schedule(emitInterval, PunctuationType.WALL_CLOCK_TIME, now -> emitPending());
        if (abandonAfterMs >= 0) {
            context.schedule(abandonCheckInterval(abandonAfterMs), PunctuationType.WALL_CLOCK_TIME,
                    this::abandonIdleRuns);
        }
    }

    @Override
    public void process(Record<String, FoldInput> record) {
        switch (record.value()) {
            case FoldInput.Fold fold -> fold(record, fold.chunk());
            case FoldInput.Cancel cancel -> cancel(record, cancel);
            case FoldInput.Erase erase -> erase(record, erase.runId());
        }
    }

    private void fold(Record<String, FoldInput> record, StoredChunk chunk) {
        String runId = chunk.runId();
        RunSummary before = summary(runId);
        RunSummary base = before == null ? RunSummary.empty(runId) : before;
        RunSummary after = SummaryFold.fold(base, chunk);
        if (after == base && before != null) {
            return;
        }
        put(runId, ValueAndTimestamp.make(after, record.timestamp()));
        open.track(after);
        if (before != null && before.status() == RunStatus.RUNNING && after.status() == RunStatus.RUNNING) {
            open.markPending(runId);
        } else {
            open.clearPending(runId);
            emit(runId, SummaryUpdate.changed(after), record.timestamp());
        }
    }

    /** Records the request in the run's summary and emits it at once; a run without a summary is left alone. */
    private void cancel(Record<String, FoldInput> record, FoldInput.Cancel cancel) {
        RunSummary before = summary(cancel.runId());
        if (before == null) {
            LOG.info("Cancel request {} of run '{}' by {}: the run has no summary here, nothing to record",
                    cancel.request().cancelId(), cancel.runId(), cancel.request().requestedBy());
            return;
        }
        RunSummary after = RunFold.requestCancel(before, cancel.request());
        if (after == before) {
            return;
        }
        put(cancel.runId(), ValueAndTimestamp.make(after, record.timestamp()));
        open.clearPending(cancel.runId());
        emit(cancel.runId(), SummaryUpdate.changed(after), record.timestamp());
        LOG.info("Run '{}': cancel requested by {} at {} (request {})", cancel.runId(),
                cancel.request().requestedBy(), cancel.request().requestedAt(), cancel.request().cancelId());
    }

    private void erase(Record<String, FoldInput> record, String runId) {
        RunSummary before = summary(runId);
        long chunkKeys = before == null ? 0 : before.lastSequence() + 1;
        if (before != null) {
            store.delete(runId);
        }
        latest.remove(runId);
        index.remove(runId);
        open.forget(runId);
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        String eraseId = RunstreamHeaders.get(record.headers(), RunstreamHeaders.ERASE_ID);
        RunstreamHeaders.put(headers, RunstreamHeaders.ERASE_ID, eraseId == null ? "" : eraseId);
        RunstreamHeaders.put(headers, RunstreamHeaders.ERASED_CHUNKS, Long.toString(chunkKeys));
        RunstreamHeaders.put(headers, RunstreamHeaders.ERASED_SUMMARY, Boolean.toString(before != null));
        context.recordMetadata().ifPresent(metadata -> RunstreamHeaders.put(headers,
                RunstreamHeaders.ERASE_MARKER_OFFSET, Long.toString(metadata.offset())));
        context.forward(new Record<>(runId, SummaryUpdate.erased(chunkKeys), record.timestamp(), headers));
        LOG.info("Erased run '{}': summary {}, {} chunk key(s) tombstoned (erase {})", runId,
                before == null ? "absent" : "removed", chunkKeys, eraseId);
    }

    private void emitPending() {
        if (!open.isRebuilt()) {
            open.rebuildStep(store, REBUILD_STEP, index::update);
            if (open.isRebuilt()) {
                index.markComplete();
            }
        }
        for (String runId : open.drainPending()) {
            ValueAndTimestamp<RunSummary> stored = stored(runId);
            if (stored != null) {
                emit(runId, SummaryUpdate.changed(stored.value()), stored.timestamp());
            }
        }
    }

    private void abandonIdleRuns(long now) {
        for (String runId : open.idleSince(now - abandonAfterMs)) {
            RunSummary summary = summary(runId);
            open.forget(runId);
            if (summary == null || summary.status() != RunStatus.RUNNING) {
                continue;
            }
            RunSummary abandoned = RunFold.abandon(summary);
            put(runId, ValueAndTimestamp.make(abandoned, now));
            emit(runId, SummaryUpdate.changed(abandoned), now);
            LOG.info("Run '{}' abandoned: no chunk since {} (sequence {})", runId,
                    summary.lastChunkAt().orElse(null), summary.lastSequence());
        }
    }

    private void emit(String runId, SummaryUpdate update, long timestamp) {
        context.forward(new Record<>(runId, update, timestamp,
                new org.apache.kafka.common.header.internals.RecordHeaders()));
    }

    private void put(String runId, ValueAndTimestamp<RunSummary> summary) {
        store.put(runId, summary);
        latest.put(runId, summary);
        index.update(summary.value());
    }

    @Override
    public void close() {
        indexes.unregister(context.taskId(), index);
    }

    private ValueAndTimestamp<RunSummary> stored(String runId) {
        ValueAndTimestamp<RunSummary> stored = latest.get(runId);
        return stored != null ? stored : store.get(runId);
    }

    private RunSummary summary(String runId) {
        ValueAndTimestamp<RunSummary> stored = stored(runId);
        return stored == null ? null : stored.value();
    }
}
