package dev.runstream.bridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The demo's terminal view: a frame of runs, progress and statuses, redrawn in place on a terminal. */
final class DemoView {

    private static final String CLEAR = "\033[H\033[2J";

    private final PrintWriter out;
    private final boolean terminal;
    private long lastTotal;
    private long lastFrameNanos;
    private long lastPrintedSecond = -1;

    DemoView(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void frame(List<DemoCommand.DemoRun> runs, Map<String, String> statuses, long startedNanos) {
        long now = System.nanoTime();
        long sent = runs.stream().mapToLong(run -> run.sent().get()).sum();
        long seen = runs.stream().mapToLong(run -> run.seen().get()).sum();
        double seconds = lastFrameNanos == 0 ? 0 : (now - lastFrameNanos) / 1e9;
        double rate = seconds > 0 ? (sent - lastTotal) / seconds : 0;
        lastTotal = sent;
        lastFrameNanos = now;
        long elapsed = (now - startedNanos) / 1_000_000_000L;
        long done = runs.stream().filter(run -> isSettled(statuses.get(run.runId()))).count();
        String headline = String.format("t=%3ds  runs %d (%d settled)  chunks sent %d, seen over SSE %d  %.0f chunks/s",
                elapsed, runs.size(), done, sent, seen, rate);
        if (!terminal) {
            if (elapsed != lastPrintedSecond && elapsed % 2 == 0) {
                out.println(headline);
                out.flush();
                lastPrintedSecond = elapsed;
            }
            return;
        }
        StringBuilder frame = new StringBuilder(CLEAR).append(headline).append("\n\n");
        frame.append(String.format("%-30s %-17s %9s %9s  %s%n", "RUN", "SCENARIO", "SENT", "SSE", "STATUS"));
        for (DemoCommand.DemoRun run : runs) {
            frame.append(String.format("%-30s %-17s %4d/%-4d %9d  %s%n", run.runId(), run.scenario(),
                    run.sent().get(), run.chunks().size(), run.seen().get(),
                    statuses.getOrDefault(run.runId(), "-")));
        }
        out.print(frame);
        out.flush();
    }

    void summaries(List<DemoCommand.DemoRun> runs, Map<String, JsonNode> summaries) {
        out.println();
        out.println("Run summaries (GET /v1/runs):");
        out.println(String.format("%-30s %-9s %-10s %5s %7s %7s  %s", "RUN", "KIND", "STATUS", "STEPS", "IN", "OUT",
                "TEXT"));
        for (DemoCommand.DemoRun run : runs) {
            JsonNode summary = summaries.get(run.runId());
            if (summary == null) {
                out.println(String.format("%-30s (no summary)", run.runId()));
                continue;
            }
            String text = summary.path("text").asText().replaceAll("\\s+", " ");
            out.println(String.format("%-30s %-9s %-10s %5d %7s %7s  %s", run.runId(), summary.path("kind").asText(),
                    summary.path("status").asText(), summary.path("steps").size(),
                    summary.at("/usage/inputTokens").asText("-"), summary.at("/usage/outputTokens").asText("-"),
                    text.length() > 40 ? text.substring(0, 39) + "…" : text));
        }
        out.flush();
    }

    private static boolean isSettled(String status) {
        return status != null && !status.equals("running");
    }
}
