package dev.runstream.benchmarks.scale;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.testing.Corpus;
import java.util.List;

/**
 * A corpus scenario as one benchmark run: its chunks' NDJSON lines with the corpus run id replaced, the chunks a
 * replay must return (those not marked {@code "transient": true}), and the summary's expected text and status.
 *
 * @param scenario       the corpus scenario
 * @param runId          the run
 * @param lines          every chunk as written, in order (chunk {@code k} gets sequence {@code k})
 * @param persisted      the sequences of the chunks a replay returns, in order
 * @param expectedText   the summary's text ({@code expected.json}'s {@code text})
 * @param expectedStatus the summary's final status
 */
public record ScenarioRun(String scenario, String runId, List<String> lines, List<Integer> persisted,
        String expectedText, String expectedStatus) {

    public ScenarioRun {
        lines = List.copyOf(lines);
        persisted = List.copyOf(persisted);
    }

    /** The corpus's {@code scenario} as run {@code runId}. */
    public static ScenarioRun of(String scenario, String runId) {
        List<String> lines = Corpus.lines(scenario, "chunks.ndjson").stream()
                .map(line -> line.replace(Corpus.RUN_ID, runId)).toList();
        List<Integer> persisted = new java.util.ArrayList<>();
        for (int k = 0; k < lines.size(); k++) {
            JsonNode transientField = Corpus.parse(lines.get(k)).get("transient");
            if (transientField == null || !transientField.booleanValue()) {
                persisted.add(k);
            }
        }
        JsonNode expected = Corpus.expected(scenario);
        return new ScenarioRun(scenario, runId, lines, persisted, expected.path("text").asText(""),
                expectedStatus(scenario, expected));
    }

    /** {@code expected.json}'s {@code status}, else {@code error} for the failing agent and {@code success}. */
    static String expectedStatus(String scenario, JsonNode expected) {
        if (expected.hasNonNull("status") && expected.get("status").isTextual()) {
            return expected.get("status").asText();
        }
        return scenario.equals("agent-error") ? "error" : "success";
    }

    /** The whole run as one NDJSON body. */
    public String body() {
        return String.join("\n", lines) + "\n";
    }
}
