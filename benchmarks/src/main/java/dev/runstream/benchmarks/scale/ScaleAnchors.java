package dev.runstream.benchmarks.scale;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.benchmarks.report.Figure;
import dev.runstream.benchmarks.report.Latencies;
import dev.runstream.benchmarks.report.Report;
import dev.runstream.benchmarks.report.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.kafka.clients.admin.Admin;

/**
 * The scale benchmark's anchors, at the same Poisson rate and on the same machine: raw Kafka churn on serve's own
 * broker, and Redis Streams; each beside Runstream's short runs (runs/s done, run start).
 */
final class ScaleAnchors {

    private ScaleAnchors() {
    }

    static void run(ScaleSettings settings, String bootstrap, Admin admin, ScaleLoad load, Path dir, Report report,
            ObjectNode details, Arrivals.Outcome runstream, ScaleLoad.Figures runstreamFigures)
            throws InterruptedException, java.io.IOException {
        java.time.Duration grace = settings.effectiveAnchorGrace();
        ObjectNode anchors = details.putObject("anchors").put("runs", settings.anchorRuns())
                .put("graceMs", grace.toMillis());
        ScaleBenchmark.progress("anchor raw Kafka churn: %d runs at %.1f runs/s, topics deleted %d s after the end",
                settings.anchorRuns(), settings.rate(), grace.toSeconds());
        RawChurnAnchor.Result raw = RawChurnAnchor.run(bootstrap, admin, settings.rate(), settings.anchorRuns(),
                settings.seed(), settings.maxInFlight(), grace, load::newRun);
        anchors.set("rawKafkaChurn", json(raw.arrivals(), raw.runStart(), raw.perChunk(), raw.missed())
                .put("maxTopics", raw.maxTopics()).put("topicsAtEnd", raw.topicsAtEnd()));
        add(report, "raw Kafka churn", runstream, runstreamFigures.runStart, raw.arrivals(), raw.runStart(),
                "raw: CreateTopics + a consumer per run + idempotent acks=all producer; max " + raw.maxTopics()
                        + " topics at once");
        if (!RedisAnchor.available()) {
            ScaleBenchmark.progress("anchor Redis Streams: skipped, no %s (apt-get install redis-server)",
                    RedisAnchor.SERVER);
            report.add(Figure.todo("scale vs Redis Streams", "runs/s done", Target.none(), "no " + RedisAnchor.SERVER
                    + "; benchmarks/run installs it with apt-get when it can"));
            return;
        }
        ScaleBenchmark.progress("anchor Redis Streams: %d runs at %.1f runs/s", settings.anchorRuns(),
                settings.rate());
        Path redisDir = Files.createDirectories(dir.resolve("redis"));
        RedisAnchor.Result redis = RedisAnchor.run(settings.rate(), settings.anchorRuns(), settings.seed(),
                settings.maxInFlight(), grace, load::newRun, redisDir, anchors);
        anchors.set("redisStreams", json(redis.arrivals(), redis.runStart(), redis.perChunk(), redis.missed())
                .put("maxStreams", redis.maxStreams()).put("streamsAtEnd", redis.streamsAtEnd()));
        add(report, "Redis Streams", runstream, runstreamFigures.runStart, redis.arrivals(), redis.runStart(),
                "Redis: XADD per chunk, XREAD BLOCK reader per run, EXPIRE after the end");
    }

    private static void add(Report report, String anchor, Arrivals.Outcome runstream, Latencies runstreamStart,
            Arrivals.Outcome other, Latencies otherStart, String note) {
        String name = String.format(Locale.ROOT, "scale vs %s", anchor);
        report.add(Figure.of(name, "runs/s done", runstream.doneRate(), other.doneRate(), Target.none(),
                note + "; offered " + Figure.format(other.offeredRate()) + " runs/s to both"));
        report.add(Figure.of(name, "run start p50 ms", runstreamStart.percentileMillis(50),
                otherStart.percentileMillis(50), Target.none(), "Runstream: POST → first SSE event"));
        report.add(Figure.of(name, "run start p99 ms", runstreamStart.percentileMillis(99),
                otherStart.percentileMillis(99), Target.none(), ""));
    }

    private static ObjectNode json(Arrivals.Outcome outcome, Latencies runStart, Latencies perChunk, long missed) {
        ObjectNode node = ScaleBenchmark.arrivals(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode(), outcome);
        node.set("runStart", runStart.toJson());
        node.set("perChunk", perChunk.toJson());
        node.put("runsNotFullyRead", missed);
        return node;
    }
}
