package dev.runstream.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void shouldJudgeThroughputsAndLatenciesByTheirRatioToRaw() {
        Figure fastEnough = Figure.of("publish", "chunks/s", 95, 100, Target.ratioAtLeast(0.9), "");
        Figure tooSlow = Figure.of("publish", "chunks/s", 80, 100, Target.ratioAtLeast(0.9), "");
        Figure lowLatency = Figure.of("live", "p99 ms", 11, 10, Target.ratioAtMost(1.2), "");
        Figure highLatency = Figure.of("live", "p99 ms", 13, 10, Target.ratioAtMost(1.2), "");

        assertThat(fastEnough.ratio()).hasValue(0.95);
        assertThat(fastEnough.verdict()).isEqualTo("met");
        assertThat(tooSlow.verdict()).isEqualTo("MISSED");
        assertThat(lowLatency.verdict()).isEqualTo("met");
        assertThat(highLatency.verdict()).isEqualTo("MISSED");
    }

    @Test
    void shouldJudgeAbsoluteTargetsByRunstreamsFigureAlone() {
        assertThat(Figure.withoutAnchor("summary", "p99 ms", 999, Target.atMost(1000), "").verdict())
                .isEqualTo("met");
        assertThat(Figure.withoutAnchor("summary", "p99 ms", 1001, Target.atMost(1000), "").verdict())
                .isEqualTo("MISSED");
        assertThat(Figure.withoutAnchor("sse", "readers", 10_000, Target.atLeast(10_000), "").verdict())
                .isEqualTo("met");
        assertThat(Figure.withoutAnchor("sse", "readers", 10_000, Target.none(), "").verdict()).isEmpty();
        assertThat(Figure.withoutAnchor("sse", "readers", 10_000, Target.none(), "").ratio()).isEmpty();
    }

    @Test
    void shouldShowWhatWasNotMeasuredAsTodo() {
        Figure todo = Figure.todo("sse", "readers", Target.atLeast(10_000), "no bridge");

        assertThat(todo.verdict()).isEqualTo("todo");
        assertThat(todo.note()).isEqualTo("TODO: no bridge");
        assertThat(todo.ratio()).isEmpty();
    }

    @Test
    void shouldPrintOneRowPerFigureAndWriteThemAsJson() {
        Report report = new Report(Map.of("mode", "quick"));
        report.add(Figure.of("publish 100 runs", "chunks/s", 50_000, 100_000, Target.ratioAtLeast(0.9), "why"));
        report.add(Figure.todo("sse", "readers", Target.atLeast(10_000), "no bridge"));
        report.details("publish").put("rounds", 3);

        String table = report.table();
        JsonNode json = report.toJson();

        assertThat(table.lines()).hasSize(4);
        assertThat(table).contains("publish 100 runs", "50 000", "100 000", "0.500×", "≥ 0.900× raw", "MISSED",
                "todo");
        assertThat(json.path("environment").path("mode").asText()).isEqualTo("quick");
        assertThat(json.path("figures")).hasSize(2);
        assertThat(json.path("figures").get(0).path("ratio").asDouble()).isEqualTo(0.5);
        assertThat(json.path("figures").get(1).path("runstream").isNull()).isTrue();
        assertThat(json.path("details").path("publish").path("rounds").asInt()).isEqualTo(3);
    }

    @Test
    void shouldFormatNumbersForReading() {
        assertThat(Figure.format(1_234_567)).isEqualTo("1 234 567");
        assertThat(Figure.format(12.345)).isEqualTo("12.3");
        assertThat(Figure.format(1.2345)).isEqualTo("1.23");
        assertThat(Figure.format(0.12345)).isEqualTo("0.123");
    }

    @Test
    void shouldReadPercentilesInMilliseconds() {
        Latencies latencies = new Latencies();
        for (int i = 1; i <= 1000; i++) {
            latencies.recordNanos(i * 1_000_000L);
        }
        latencies.recordNanos(-5);

        assertThat(latencies.count()).isEqualTo(1001);
        assertThat(latencies.percentileMillis(50)).isBetween(499.0, 501.0);
        assertThat(latencies.percentileMillis(99)).isBetween(989.0, 991.0);
        assertThat(latencies.maxMillis()).isBetween(999.0, 1001.0);
        assertThat(latencies.toJson().path("p999Ms").asDouble()).isBetween(998.0, 1000.5);
    }
}
