package dev.runstream.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.testing.Corpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UiStreamCommandTest {

    @TempDir
    Path dir;

    static Stream<Arguments> captures() {
        return Corpus.SCENARIOS.stream().flatMap(scenario -> Stream.of(
                Arguments.of(scenario, "chunks.ndjson", "ui.ndjson", List.<String>of()),
                Arguments.of(scenario, "chunks.ndjson", "ui-v6.ndjson", List.of("--ui-version", "v6")),
                Arguments.of(scenario, "chunks.ndjson", "ui-v7.ndjson", List.of("--ui-version", "V7")),
                Arguments.of(scenario, "chunks.ndjson", "ui-send.ndjson",
                        List.of("--send-reasoning", "--send-sources")),
                Arguments.of(scenario, "resumed.ndjson", "resumed-ui.ndjson", List.<String>of())))
                .filter(args -> Corpus.exists((String) args.get()[0], (String) args.get()[1])
                        && Corpus.exists((String) args.get()[0], (String) args.get()[2]));
    }

    @ParameterizedTest(name = "{0}/{1} -> {2} {3}")
    @MethodSource("captures")
    void shouldPrintWhatMastrasConversionPrinted(String scenario, String input, String expected, List<String> flags)
            throws IOException {
        Path chunks = Files.writeString(dir.resolve(input), Corpus.text(scenario, input), StandardCharsets.UTF_8);
        List<String> args = new java.util.ArrayList<>(List.of("ui-stream"));
        args.addAll(flags);
        args.add(chunks.toString());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> printed = run.outLines().stream().map(Corpus::parse).toList();
        assertThat(printed).containsExactlyElementsOf(Corpus.jsonLines(scenario, expected));
    }

    @Test
    void shouldRefuseAnUnknownUiVersion() throws IOException {
        Path chunks = Files.writeString(dir.resolve("c.ndjson"), Corpus.text("agent-text", "chunks.ndjson"));
        CliRun run = CliRun.of("ui-stream", "--ui-version", "v4", chunks.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--ui-version must be v5, v6 or v7");
    }

    @Test
    void shouldReportABadLineAndConvertTheRest() throws IOException {
        String text = Corpus.text("agent-text", "chunks.ndjson").replaceFirst("\n", "\n{not json}\n");
        Path chunks = Files.writeString(dir.resolve("c.ndjson"), text, StandardCharsets.UTF_8);
        CliRun run = CliRun.of("ui-stream", chunks.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("line 2: ");
        assertThat(run.outLines()).hasSize(Corpus.lines("agent-text", "ui.ndjson").size());
    }
}
