package dev.runstream.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.core.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile run ids and prefixes through the CLI, against a real broker: each command refuses them with a message
 * naming the id (escaped) and exit status 2, without a stack trace, and before it creates anything in Kafka.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class CliInjectionIT {

    private static final List<String> HOSTILE_RUN_IDS = List.of("a.*", "run-1|run-2", "run[0-9]", "../x",
            "a/../../b", "..", ".", "", " ", "run 1", "run\nINFO forged", "r".repeat(129), "r\u0430n",
            "\uFF52\uFF55\uFF4E", "ru\u200Dn", "run\u202Etxt.exe", "--anchor");
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @TempDir
    Path dir;

    private final String bootstrap;

    CliInjectionIT(EmbeddedKafkaBroker broker) {
        this.bootstrap = broker.bootstrapServers();
    }

    private static String prefix() {
        return "rel-cli-" + PREFIXES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    private List<String> topicsOf(String prefix) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            return admin.listTopics().names().get().stream().filter(name -> name.startsWith(prefix)).toList();
        }
    }

    private static void assertRefusedAsUserError(CliRun run, String what) {
        assertThat(run.exitCode()).as("%s: %s", what, run.err()).isEqualTo(2);
        assertThat(run.err()).as(what).doesNotContain("Exception", "\tat ", "\u202E", "\u200D")
                .doesNotContain("\nINFO forged");
    }

    @Test
    void shouldRefuseHostileRunIdsInEveryCommandBeforeTouchingKafka() throws Exception {
        String prefix = prefix();
        Path file = Files.writeString(dir.resolve("run.ndjson"), Corpus.text("agent-text", "chunks.ndjson"),
                StandardCharsets.UTF_8);
        List<String> connection = List.of("--data-dir", dir.toString(), "--bootstrap-servers", bootstrap,
                "--prefix", prefix);
        int refusals = 0;
        for (String runId : HOSTILE_RUN_IDS) {
            List<List<String>> commands = List.of(
                    List.of("publish", "--run-id=" + runId, file.toString()),
                    List.of("tail", "--", runId),
                    List.of("replay", "--", runId),
                    List.of("summary", "--", runId));
            for (List<String> command : commands) {
                List<String> args = new ArrayList<>(command.subList(0, command.size() - 1));
                args.addAll(1, connection);
                args.add(command.getLast());
                CliRun run = CliRun.of(args.toArray(String[]::new));
                assertRefusedAsUserError(run, command.getFirst() + " " + runId.replace("\n", "\\n"));
                assertThat(run.err()).contains("invalid run id");
                refusals++;
            }
        }
        assertThat(topicsOf(prefix)).as("topics after %d refusals", refusals).isEmpty();
        System.out.printf("CliInjectionIT: %d hostile run ids x 4 commands refused, nothing created%n",
                HOSTILE_RUN_IDS.size());
    }

    @Test
    void shouldRefuseAHostilePrefixWithItsReason() throws Exception {
        for (String prefix : List.of("a.*", ".*", "a|b", "a b", "..", "../a", "r\u0430n", "a.run", "a.run.b",
                "p".repeat(101))) {
            CliRun run = CliRun.of("replay", "--data-dir", dir.toString(), "--bootstrap-servers", bootstrap,
                    "--prefix", prefix, "run-1");
            assertRefusedAsUserError(run, "prefix " + prefix);
            assertThat(run.err()).contains("prefix");
        }
    }

    @Test
    void shouldRefuseARegistryUrlWithCredentialsWithoutEchoingThem() {
        for (String url : List.of("http://alice:s3cr3t-pw@127.0.0.1:1/", "https://alice:s3cr3t-pw@registry.invalid",
                "http://127.0.0.1:1/?token=s3cr3t-pw", "ftp://alice:s3cr3t-pw@127.0.0.1/", "not a url s3cr3t-pw")) {
            CliRun run = CliRun.of("replay", "--data-dir", dir.toString(), "--bootstrap-servers", bootstrap,
                    "--prefix", prefix(), "--schema-registry-url", url, "run-1");
            assertRefusedAsUserError(run, "registry URL " + url);
            assertThat(run.err()).contains("chema registry").doesNotContain("s3cr3t-pw");
        }
    }

    @Test
    void shouldNotPublishAChunkOfAnotherRunIntoARun() throws Exception {
        String prefix = prefix();
        String text = Corpus.text("agent-text", "chunks.ndjson").replace(Corpus.RUN_ID, "run-a");
        String[] lines = text.split("\n");
        lines[2] = lines[2].replace("run-a", "run-b");
        Path file = Files.writeString(dir.resolve("mixed.ndjson"), String.join("\n", lines) + "\n",
                StandardCharsets.UTF_8);
        CliRun run = CliRun.of("publish", "--data-dir", dir.toString(), "--bootstrap-servers", bootstrap,
                "--prefix", prefix, "--run-id", "run-a", file.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("line 3").contains("run-b");
        assertThat(run.out()).contains("published " + (lines.length - 1) + " chunks of run run-a");
        assertThat(topicsOf(prefix)).contains(prefix + ".run.run-a").doesNotContain(prefix + ".run.run-b");
    }
}
