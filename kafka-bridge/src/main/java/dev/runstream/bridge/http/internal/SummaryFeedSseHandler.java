package dev.runstream.bridge.http.internal;

import dev.runstream.bridge.subscribe.SummaryFeed;
import dev.runstream.core.fold.RunSummaryJson;
import dev.runstream.core.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /v1/run-summaries/stream}: every change of every run's summary from now on, as SSE — {@code event:
 * summary} with the summary (the shape of {@code GET /v1/runs/{runId}}), {@code event: erased} with {@code {"runId"}}.
 * Changes come from {@code {prefix}.run-summaries}, so each instance serves every run's. A reader that falls
 * {@value #QUEUE} changes behind gets {@code event: error} ({@code too_slow}) and the stream ends: it reads the list
 * again ({@code GET /v1/runs}) and reconnects. There is no resume: a reader that reconnects reads the list first.
 */
public final class SummaryFeedSseHandler {

    static final int QUEUE = 10_000;

    private final SummaryFeed feed;
    private final Duration heartbeat;

    public SummaryFeedSseHandler(SummaryFeed feed, Duration heartbeat) {
        this.feed = feed;
        this.heartbeat = heartbeat;
    }

    public void handle(Context ctx) throws IOException, InterruptedException {
        BlockingQueue<SummaryFeed.Change> changes = new ArrayBlockingQueue<>(QUEUE);
        AtomicBoolean overflowed = new AtomicBoolean();
        SummaryFeed.Listener listener = change -> {
            if (!changes.offer(change)) {
                overflowed.set(true);
            }
        };
        feed.add(listener);
        try {
            ctx.status(200);
            ctx.header("Content-Type", "text/event-stream; charset=utf-8");
            ctx.header("Cache-Control", "no-cache, no-transform");
            ctx.header("X-Accel-Buffering", "no");
            SseEventWriter events = new SseEventWriter(ctx.res().getOutputStream());
            events.comment("run summaries from now on");
            while (true) {
                SummaryFeed.Change change = changes.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                if (overflowed.get()) {
                    events.error("too_slow", "this reader fell " + QUEUE + " summary changes behind: read "
                            + "GET /v1/runs again and reconnect");
                    return;
                }
                if (change == null) {
                    events.comment("heartbeat");
                    continue;
                }
                do {
                    if (change.erased()) {
                        events.named("erased", Json.object().put("runId", change.runId()));
                    } else {
                        events.named("summary", RunSummaryJson.toJson(change.summary().get()));
                    }
                    change = changes.poll();
                } while (change != null);
                events.flush();
            }
        } catch (IOException e) {
            // The reader went away.
        } finally {
            feed.remove(listener);
        }
    }
}
