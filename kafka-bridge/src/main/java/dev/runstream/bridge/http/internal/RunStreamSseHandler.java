package dev.runstream.bridge.http.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.subscribe.FollowedRun;
import dev.runstream.bridge.subscribe.FollowerTooSlowException;
import dev.runstream.bridge.subscribe.LiveChunk;
import dev.runstream.bridge.subscribe.LiveRunFanout;
import dev.runstream.core.RunIds;
import dev.runstream.core.RunstreamException;
import dev.runstream.core.ui.UiMessageStreamConverter;
import dev.runstream.core.ui.UiStreamOptions;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/runs/{runId}/stream}: a run as server-sent events, live or replayed, in Mastra's chunk format
 * ({@code format=mastra}, the default) or as the AI SDK v5 UI message stream ({@code format=ui}). Every event has an
 * id; a reader that reconnects with {@code Last-Event-ID} (or {@code ?from=<sequence>}) goes on with no gap and no
 * duplicate. A run still going is followed live, transient chunks included; a run that had ended is replayed as
 * persisted, without them (Mastra's storage semantics; {@code ?transient=true|false} overrides). A reader who comes
 * before the run's first chunk waits for it. The stream ends after the run's terminal chunk, or after an
 * {@code error} chunk that nothing follows within the grace time; comment lines keep a quiet stream open. A reader
 * too slow for the run's window is cut with an {@code error} event and can resume.
 */
public final class RunStreamSseHandler implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(RunStreamSseHandler.class);
    private static final int BATCH = 256;

    private final LiveRunFanout fanout;
    private final BridgeMetrics metrics;
    private final Duration heartbeat;
    private final Duration historyTimeout;
    private final Duration errorGrace;

    public RunStreamSseHandler(LiveRunFanout fanout, BridgeMetrics metrics, Duration heartbeat,
            Duration historyTimeout, long errorGraceMs) {
        this.fanout = fanout;
        this.metrics = metrics;
        this.heartbeat = heartbeat;
        this.historyTimeout = historyTimeout;
        this.errorGrace = Duration.ofMillis(errorGraceMs);
    }

    @Override
    public void handle(Context ctx) throws Exception {
        String runId = RunIds.requireValid(ctx.pathParam("runId"));
        boolean ui = switch (String.valueOf(ctx.queryParam("format")).toLowerCase(Locale.ROOT)) {
            case "null", "mastra" -> false;
            case "ui" -> true;
            default -> throw new ApiException(400, "bad_request", "format must be 'mastra' or 'ui', was '"
                    + ctx.queryParam("format") + "'");
        };
        SsePosition position = position(ctx, ui);
        Boolean transientParam = booleanParam(ctx, "transient");
        FollowedRun followed = FollowedRun.follow(fanout, runId, ui ? 0 : position.sequence(), errorGrace,
                FollowedRun.WhenTooSlow.CUT);
        try {
            boolean ended = followed.endedBeforeNow(historyTimeout);
            boolean persistedOnly = transientParam != null ? !transientParam
                    : position.persistedOnly() != null ? position.persistedOnly() : ended;
            ctx.status(200);
            ctx.header("Content-Type", "text/event-stream; charset=utf-8");
            ctx.header("Cache-Control", "no-cache, no-transform");
            ctx.header("X-Accel-Buffering", "no");
            if (ui) {
                ctx.header("x-vercel-ai-ui-message-stream", "v1");
            }
            SseEventWriter events = new SseEventWriter(ctx.res().getOutputStream());
            events.comment("run " + runId + (persistedOnly ? " (persisted chunks)" : " (live)"));
            stream(followed, events, ui ? new UiEvents(position, persistedOnly) : null, persistedOnly);
        } catch (IOException clientGone) {
            LOG.debug("SSE reader of run '{}' went away: {}", runId, clientGone.toString());
        } finally {
            followed.close();
        }
    }

    /** Streams the run to its end. */
    private void stream(FollowedRun followed, SseEventWriter events, UiEvents ui, boolean persistedOnly)
            throws IOException, InterruptedException {
        try {
            while (true) {
                List<LiveChunk> chunks = followed.next(BATCH, heartbeat);
                if (chunks.isEmpty() && !followed.ended()) {
                    events.comment("heartbeat");
                    continue;
                }
                for (LiveChunk chunk : chunks) {
                    if (chunk.isTransient() && persistedOnly) {
                        continue;
                    }
                    if (ui != null) {
                        ui.write(chunk, events);
                    } else {
                        events.mastraChunk(chunk.json(), chunk.sequence());
                    }
                    metrics.sseEvent();
                }
                if (followed.ended()) {
                    end(events, ui);
                    return;
                }
                events.flush();
            }
        } catch (FollowerTooSlowException e) {
            metrics.sseReaderCut();
            events.error("reader_too_slow", e.getMessage());
        } catch (RunstreamException e) {
            events.error("stream_failed", "run '" + followed.runId() + "': " + e.getMessage());
        }
    }

    private static void end(SseEventWriter events, UiEvents ui) throws IOException {
        if (ui != null) {
            ui.end(events);
        }
        events.flush();
    }

    /** The UI conversion of one stream, with the ids that let a reader resume it exactly. */
    private static final class UiEvents {
        private final UiMessageStreamConverter converter = new UiMessageStreamConverter(UiStreamOptions.defaults());
        private final SsePosition resumeAfter;
        private final boolean persistedOnly;
        private long lastSequence = -1;
        private int nextIndex;

        UiEvents(SsePosition resumeAfter, boolean persistedOnly) {
            this.resumeAfter = resumeAfter;
            this.persistedOnly = persistedOnly;
        }

        void write(LiveChunk chunk, SseEventWriter events) throws IOException {
            lastSequence = chunk.sequence();
            nextIndex = 0;
            emit(converter.accept(chunk.chunk()), events);
        }

        void end(SseEventWriter events) throws IOException {
            emit(converter.end(), events);
            events.done();
        }

        private void emit(List<ObjectNode> uiChunks, SseEventWriter events) throws IOException {
            for (ObjectNode uiChunk : uiChunks) {
                int index = nextIndex++;
                if (resumeAfter.isAfter(lastSequence, index)) {
                    events.event(SsePosition.uiEventId(lastSequence, index, persistedOnly), uiChunk);
                }
            }
        }
    }

    private static SsePosition position(Context ctx, boolean ui) {
        String lastEventId = ctx.header("Last-Event-ID");
        if (lastEventId != null && !lastEventId.isBlank()) {
            return SsePosition.afterEventId(lastEventId, ui);
        }
        String from = ctx.queryParam("from");
        if (from != null) {
            SsePosition start = SsePosition.from(from);
            return ui ? new SsePosition(start.sequence(), -1, null) : start;
        }
        return SsePosition.START;
    }

    private static Boolean booleanParam(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> Boolean.TRUE;
            case "false", "0", "no" -> Boolean.FALSE;
            default -> throw new ApiException(400, "bad_request", name + " must be true or false, was '" + value
                    + "'");
        };
    }
}
