package dev.runstream.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    private static final Path DEFAULT_OUTPUT = Path.of("target", "results.json");

    @Test
    void shouldRunEveryBenchmarkQuicklyByDefault() {
        BenchOptions options = BenchOptions.parse(new String[0], DEFAULT_OUTPUT);

        assertThat(options.settings().mode()).isEqualTo("quick");
        assertThat(BenchOptions.BENCHMARKS).allMatch(options::includes);
        assertThat(options.output()).isEqualTo(DEFAULT_OUTPUT);
        assertThat(options.dataDir()).isEmpty();
        assertThat(options.help()).isFalse();
    }

    @Test
    void shouldTakeTheFullModeTheChosenBenchmarksAndTheOutput() {
        BenchOptions options = BenchOptions.parse(new String[] {"--publish-runs=10,20", "--full",
                "--only=publish,codec", "--out=/tmp/r.json", "--data-dir=/var/tmp/bench",
                "--config=kafka.producer.compression.type=none"}, DEFAULT_OUTPUT);

        assertThat(options.settings().mode()).isEqualTo("full");
        assertThat(options.settings().publishRuns()).containsExactly(10, 20);
        assertThat(options.includes("publish")).isTrue();
        assertThat(options.includes("codec")).isTrue();
        assertThat(options.includes("live")).isFalse();
        assertThat(options.output()).isEqualTo(Path.of("/tmp/r.json"));
        assertThat(options.dataDir()).contains(Path.of("/var/tmp/bench"));
        assertThat(options.runstreamConfig()).containsEntry("kafka.producer.compression.type", "none");
    }

    @Test
    void shouldRefuseWhatItDoesNotKnowNamingIt() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--only=publish,nope"}, DEFAULT_OUTPUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--fast"}, DEFAULT_OUTPUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--fast");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--publish-runs=1,x"}, DEFAULT_OUTPUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--publish-runs=1,x");
    }

    @Test
    void shouldScaleTheFullModeUpFromTheQuickOne() {
        BenchSettings quick = BenchSettings.quick();
        BenchSettings full = BenchSettings.full();

        assertThat(full.publishChunks()).isGreaterThan(quick.publishChunks());
        assertThat(full.liveRuns() * full.liveRatePerRun()).isEqualTo(1000 * 20);
        assertThat(full.sseSubscribers()).isGreaterThanOrEqualTo(10_000);
        assertThat(quick.publishRuns()).isEqualTo(List.of(1, 100, 1000));
        assertThat(quick.describe()).containsEntry("mode", "quick").containsEntry("liveWarmupMs", 5000L);
    }

    @Test
    void shouldChangeAnySizeByName() {
        BenchOptions options = BenchOptions.parse(new String[] {"--full", "--set=liveRuns=50",
                "--set=liveWarmup=2500", "--set=publishRuns=5,6"}, DEFAULT_OUTPUT);

        assertThat(options.settings().liveRuns()).isEqualTo(50);
        assertThat(options.settings().liveWarmup()).isEqualTo(java.time.Duration.ofMillis(2500));
        assertThat(options.settings().publishRuns()).containsExactly(5, 6);
        assertThat(options.settings().liveRatePerRun()).isEqualTo(BenchSettings.full().liveRatePerRun());
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--set=nope=1"}, DEFAULT_OUTPUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--set=liveRuns=0"}, DEFAULT_OUTPUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("liveRuns");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--set=liveRuns=x"}, DEFAULT_OUTPUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
    }

    @Test
    void shouldRefuseSettingsThatCannotRun() {
        assertThatThrownBy(() -> BenchSettings.quick().withPublishRuns(List.of(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publishRuns");
        assertThatThrownBy(() -> BenchSettings.of("slow")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'slow'");
    }

    @Test
    void shouldTrustRunstreamsAvroPackagesWhenNothingElseWasSet() {
        String before = System.getProperty(BenchmarkMain.AVRO_TRUSTED_PACKAGES);
        try {
            System.clearProperty(BenchmarkMain.AVRO_TRUSTED_PACKAGES);
            BenchmarkMain.prepareSystemProperties();
            assertThat(System.getProperty(BenchmarkMain.AVRO_TRUSTED_PACKAGES)).isEqualTo("dev.runstream");

            System.setProperty(BenchmarkMain.AVRO_TRUSTED_PACKAGES, "dev.runstream,com.example");
            BenchmarkMain.prepareSystemProperties();
            assertThat(System.getProperty(BenchmarkMain.AVRO_TRUSTED_PACKAGES)).isEqualTo("dev.runstream,com.example");
        } finally {
            if (before == null) {
                System.clearProperty(BenchmarkMain.AVRO_TRUSTED_PACKAGES);
            } else {
                System.setProperty(BenchmarkMain.AVRO_TRUSTED_PACKAGES, before);
            }
        }
    }
}
