package dev.runstream.benchmarks.scale;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.testing.Corpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether a finished run is intact end to end: its summary has (within 20 s) the corpus's status and text; a replay
 * of its SSE stream returns every persisted chunk (the corpus's minus the transient ones) in order, as written, and
 * ends; a replay resumed with {@code Last-Event-ID} from the middle returns exactly the rest.
 */
public final class IntactCheck {

    private static final long TIMEOUT_SECONDS = 10;
    private static final java.time.Duration SUMMARY_WAIT = java.time.Duration.ofSeconds(20);

    /** The verdict on one run: intact, or the first thing found wrong. */
    public record Verdict(String runId, String scenario, boolean intact, String problem) {
    }

    private IntactCheck() {
    }

    public static Verdict check(RunClient client, ScenarioRun run) throws InterruptedException {
        try {
            RunClient.Reply summary = finalSummary(client, run);
            if (summary.status() != 200) {
                return broken(run, "summary answered " + summary.status() + ": " + abbreviate(summary.body()));
            }
            JsonNode json = Corpus.parse(summary.body());
            if (!run.expectedStatus().equals(json.path("status").asText())) {
                return broken(run, "summary status '" + json.path("status").asText() + "', expected '"
                        + run.expectedStatus() + "'");
            }
            if (!run.expectedText().equals(json.path("text").asText())) {
                return broken(run, "summary text '" + abbreviate(json.path("text").asText()) + "', expected '"
                        + run.expectedText() + "'");
            }
            Optional<String> replay = compare(replay(client, run.runId(), Optional.empty()), run, 0);
            if (replay.isPresent()) {
                return broken(run, "replay: " + replay.get());
            }
            int middle = run.persisted().size() / 2;
            long resumeAfter = run.persisted().get(middle - 1);
            Optional<String> resumed = compare(replay(client, run.runId(), Optional.of(resumeAfter)), run, middle);
            if (resumed.isPresent()) {
                return broken(run, "resumed after " + resumeAfter + ": " + resumed.get());
            }
            return new Verdict(run.runId(), run.scenario(), true, "");
        } catch (java.io.IOException | RuntimeException e) {
            return broken(run, e.toString());
        }
    }

    /**
     * The run's summary once it shows the expected status, or the last reply after {@link #SUMMARY_WAIT}: how fresh
     * summaries are is the poller's figure, not this check's.
     */
    private static RunClient.Reply finalSummary(RunClient client, ScenarioRun run)
            throws java.io.IOException, InterruptedException {
        long end = System.nanoTime() + SUMMARY_WAIT.toNanos();
        while (true) {
            RunClient.Reply summary = client.summary(run.runId());
            boolean done = summary.status() == 200
                    && run.expectedStatus().equals(Corpus.parse(summary.body()).path("status").asText());
            if (done || System.nanoTime() > end) {
                return summary;
            }
            Thread.sleep(500);
        }
    }

    /** The events of a replay, and whether it ended by itself. */
    private record Replay(List<SseEventParser.Event> events, boolean ended) {
    }

    private static Replay replay(RunClient client, String runId, Optional<Long> lastEventId)
            throws InterruptedException {
        List<SseEventParser.Event> events = new ArrayList<>();
        SseEventParser parser = new SseEventParser(event -> {
            synchronized (events) {
                events.add(event);
            }
        });
        CompletableFuture<Void> done = new CompletableFuture<>();
        Flow.Subscriber<String> lines = new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
                parser.line(line, System.nanoTime());
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        };
        var response = client.stream(runId, lastEventId, lines);
        boolean ended;
        try {
            done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ended = true;
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            ended = false;
            response.cancel(true);
        }
        synchronized (events) {
            return new Replay(List.copyOf(events), ended);
        }
    }

    /** What is wrong with a replay that should return the persisted chunks from index {@code from} on. */
    private static Optional<String> compare(Replay replay, ScenarioRun run, int from) {
        List<Integer> expected = run.persisted().subList(from, run.persisted().size());
        List<SseEventParser.Event> events = replay.events();
        if (events.stream().anyMatch(SseEventParser.Event::error)) {
            return Optional.of("an error event: " + abbreviate(events.stream().filter(SseEventParser.Event::error)
                    .findFirst().orElseThrow().data()));
        }
        List<Long> ids = events.stream().map(SseEventParser.Event::id).toList();
        List<Long> expectedIds = expected.stream().map(Integer::longValue).toList();
        if (!ids.equals(expectedIds)) {
            return Optional.of("ids " + ids + ", expected " + expectedIds + (replay.ended() ? " (the stream ended)"
                    : " (the stream did not end within " + TIMEOUT_SECONDS + " s)"));
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!Corpus.parse(events.get(i).data()).equals(Corpus.parse(run.lines().get(expected.get(i))))) {
                return Optional.of("chunk " + expected.get(i) + " differs from the one written");
            }
        }
        return replay.ended() ? Optional.empty() : Optional.of("did not end within " + TIMEOUT_SECONDS + " s");
    }

    private static Verdict broken(ScenarioRun run, String problem) {
        return new Verdict(run.runId(), run.scenario(), false, problem);
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
