package dev.runstream.bridge.http.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The bridge's meters, scraped in Prometheus format at {@code /metrics}: chunks in and out, rejected and duplicate
 * chunks, live SSE readers and followed runs, the JVM, and the client-level metrics of every Kafka client the
 * instance runs (publisher, fan-out consumers, aggregator — consumer lag included as {@code records-lag-max}).
 * Kafka metrics tagged by topic or partition are left out: with a topic per run they would grow without bound.
 */
public final class BridgeMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter chunksIn;
    private final Counter chunksRejected;
    private final Counter chunksDuplicate;
    private final Counter sseEvents;
    private final Counter sseCut;
    private final List<KafkaSource> kafkaSources = new ArrayList<>();
    private final Set<String> registeredKafkaMeters = new HashSet<>();

    private record KafkaSource(String client, Supplier<Map<MetricName, ? extends Metric>> metrics) {
    }

    public BridgeMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        chunksIn = Counter.builder("runstream.chunks.in").description("Chunks accepted by the HTTP ingest")
                .register(registry);
        chunksRejected = Counter.builder("runstream.chunks.rejected")
                .description("Chunks the HTTP ingest refused").register(registry);
        chunksDuplicate = Counter.builder("runstream.chunks.duplicate")
                .description("Retried chunks the HTTP ingest found already stored").register(registry);
        sseEvents = Counter.builder("runstream.sse.events.out").description("SSE chunk events sent")
                .register(registry);
        sseCut = Counter.builder("runstream.sse.readers.cut")
                .description("SSE readers cut for being too slow").register(registry);
    }

    public void chunkIn() {
        chunksIn.increment();
    }

    public void chunkRejected() {
        chunksRejected.increment();
    }

    public void chunkDuplicate() {
        chunksDuplicate.increment();
    }

    public void sseEvent() {
        sseEvents.increment();
    }

    public void sseReaderCut() {
        sseCut.increment();
    }

    /** A gauge read at each scrape. */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    /** Publishes the client-level metrics of a Kafka client, tagged {@code client=<client>}. */
    public synchronized void kafkaClient(String client, Supplier<Map<MetricName, ? extends Metric>> metrics) {
        kafkaSources.add(new KafkaSource(client, metrics));
    }

    /**
     * The meters in Prometheus' text format. Each Kafka client's metrics are taken once per scrape: a client's
     * {@code metrics()} can build its whole map anew (Kafka Streams does), and with a topic per run that map holds
     * thousands of per-topic metrics.
     */
    public synchronized String scrape() {
        Map<KafkaSource, Map<MetricName, ? extends Metric>> taken = new java.util.HashMap<>();
        kafkaSources.forEach(source -> taken.put(source, source.metrics().get()));
        snapshot = taken;
        registerNewKafkaMeters();
        return registry.scrape();
    }

    /** The Kafka clients' metrics as the current scrape took them. */
    private volatile Map<KafkaSource, Map<MetricName, ? extends Metric>> snapshot = Map.of();

    private void registerNewKafkaMeters() {
        for (KafkaSource source : kafkaSources) {
            for (Map.Entry<MetricName, ? extends Metric> entry : snapshot.getOrDefault(source, Map.of()).entrySet()) {
                MetricName name = entry.getKey();
                // kafka-metrics-count has other tags in each client: Prometheus takes one tag set per name, and a
                // meter refused for that is logged as a warning on every start.
                if (name.tags().containsKey("topic") || name.tags().containsKey("partition")
                        || name.group().equals("kafka-metrics-count")
                        || !(entry.getValue().metricValue() instanceof Number)) {
                    continue;
                }
                String key = source.client() + "|" + name.group() + "|" + name.name() + "|" + name.tags();
                if (!registeredKafkaMeters.add(key)) {
                    continue;
                }
                List<Tag> tags = new ArrayList<>();
                tags.add(Tag.of("client", source.client()));
                name.tags().forEach((k, v) -> tags.add(Tag.of(k.replace('-', '_'), v)));
                try {
                    Gauge.builder("kafka." + name.group().replace('-', '.') + "." + name.name().replace('-', '.'),
                                    source, s -> value(snapshot, s, name))
                            .description(name.description())
                            .tags(tags)
                            .register(registry);
                } catch (IllegalArgumentException sameNameOtherTags) {
                    // Prometheus needs one tag set per name; a Kafka metric that breaks that is left out.
                }
            }
        }
    }

    private static double value(Map<KafkaSource, Map<MetricName, ? extends Metric>> snapshot, KafkaSource source,
            MetricName name) {
        Metric metric = snapshot.getOrDefault(source, Map.of()).get(name);
        return metric != null && metric.metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
    }
}
