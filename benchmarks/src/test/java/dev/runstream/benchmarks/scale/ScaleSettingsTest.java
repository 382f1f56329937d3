package dev.runstream.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.benchmarks.BenchOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScaleSettingsTest {

    @Test
    void shouldTakeScaleSettingsByNameBesideTheOthers() {
        BenchOptions options = BenchOptions.parse(new String[] {"--only=scale", "--set=rate=50.5",
                "--set=serveConfig=source.mode=ingest,run.topic.delete.after.ms=30000", "--set=anchors=false",
                "--set=tokenInterval=25", "--set=liveRuns=7"}, Path.of("r.json"));

        assertThat(options.scale().rate()).isEqualTo(50.5);
        assertThat(options.scale().serveConfigMap()).containsEntry("source.mode", "ingest")
                .containsEntry("run.topic.delete.after.ms", "30000");
        assertThat(options.scale().effectiveAnchorGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.scale().with("checkAfter", "60000").effectiveCheckAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.scale().anchors()).isFalse();
        assertThat(options.scale().tokenInterval()).isEqualTo(Duration.ofMillis(25));
        assertThat(options.settings().liveRuns()).isEqualTo(7);
        assertThat(options.includes("scale")).isTrue();
        assertThat(options.includes("publish")).isFalse();
    }

    @Test
    void shouldSoakOnlyTheScaleBenchmarkAndLetItsSizesBeChanged() {
        BenchOptions options = BenchOptions.parse(new String[] {"--soak", "--set=runs=1_000_000", "--set=rate=200"},
                Path.of("r.json"));

        assertThat(options.only()).containsExactly("scale");
        assertThat(options.scale().soak()).isTrue();
        assertThat(options.scale().runs()).isEqualTo(1_000_000);
        assertThat(options.scale().anchors()).isFalse();
    }

    @Test
    void shouldRefuseValuesThatCannotRunNamingThem() {
        ScaleSettings quick = ScaleSettings.quick();
        assertThatThrownBy(() -> quick.with("readerPercent", "101")).hasMessageContaining("readerPercent");
        assertThatThrownBy(() -> quick.with("rate", "0")).hasMessageContaining("rate");
        assertThatThrownBy(() -> quick.with("anchors", "yes")).hasMessageContaining("'yes'");
        assertThatThrownBy(() -> quick.with("serveConfig", "novalue")).hasMessageContaining("'novalue'");
        assertThatThrownBy(() -> quick.with("scenarios", " , ")).hasMessageContaining("scenarios");
        assertThat(quick.effectiveAnchorGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(quick.with("anchorGrace", "5000").effectiveAnchorGrace()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldKnowEveryScenarioItRunsInTheCorpus() {
        ScenarioRun run = ScenarioRun.of("agent-tool", "00000000-0000-4000-8000-000000000099");

        assertThat(run.lines()).noneMatch(line -> line.contains(dev.runstream.core.testing.Corpus.RUN_ID))
                .anyMatch(line -> line.contains("00000000-0000-4000-8000-000000000099"));
        assertThat(run.persisted()).hasSize(run.lines().size() - 1);
        assertThat(run.expectedStatus()).isEqualTo("success");
        assertThat(run.expectedText()).isEqualTo("It is 21°C and sunny in Paris.");
    }
}
