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

    /** The meters in Prometheus' text format. */
    public String scrape() {
        registerNewKafkaMeters();
        return registry.scrape();
    }

    private synchronized void registerNewKafkaMeters() {
        for (KafkaSource source : kafkaSources) {
            for (Map.Entry<MetricName, ? extends Metric> entry : source.metrics().get().entrySet()) {
                MetricName name = entry.getKey();
                if (name.tags().containsKey("topic") || name.tags().containsKey("partition")
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
                                    source, s -> value(s, name))
                            .description(name.description())
                            .tags(tags)
                            .register(registry);
                } catch (IllegalArgumentException sameNameOtherTags) {
                    // Prometheus needs one tag set per name; a Kafka metric that breaks that is left out.
                }
            }
        }
    }

    private static double value(KafkaSource source, MetricName name) {
        Metric metric = source.metrics().get().get(name);
        return metric != null && metric.metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
    }
}
