package dev.runstream.benchmarks.scale;

import dev.runstream.benchmarks.report.Latencies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The raw Kafka churn anchor: what a do-it-yourself user would do per run on the same broker at the same Poisson
 * rate. {@code CreateTopics} of a one-partition topic; a {@code KafkaConsumer} of its own assigned to it from the
 * start (read committed, no group); each chunk's JSON bytes as one record through one shared idempotent
 * {@code acks=all} producer; the topic deleted the grace after the run ended. Run start: creation asked → first
 * record consumed.
 */
public final class RawChurnAnchor {

    static final String TOPIC_PREFIX = "bench-churn.run.";
    private static final Duration POLL = Duration.ofMillis(50);

    /** What was measured. */
    public record Result(Arrivals.Outcome arrivals, Latencies runStart, Latencies perChunk, long maxTopics,
            long topicsAtEnd, long missed) {
    }

    private RawChurnAnchor() {
    }

    public static Result run(String bootstrap, Admin admin, double rate, int runs, long seed, int workers,
            Duration grace, IntFunction<ScenarioRun> runFor) throws InterruptedException {
        Latencies runStart = new Latencies();
        Latencies perChunk = new Latencies();
        AtomicLong missed = new AtomicLong();
        AtomicLong live = new AtomicLong();
        AtomicLong maxTopics = new AtomicLong();
        ScheduledExecutorService deleter = Executors.newSingleThreadScheduledExecutor();
        Map<String, Object> producerProps = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Arrivals.Outcome outcome;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer())) {
            outcome = Arrivals.run(rate, runs, seed, workers, (index, due) -> {
                ScenarioRun run = runFor.apply(index);
                String topic = TOPIC_PREFIX + run.runId();
                long created = System.nanoTime();
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                maxTopics.accumulateAndGet(live.incrementAndGet(), Math::max);
                AtomicLongArray sent = new AtomicLongArray(run.lines().size());
                CompletableFuture<Boolean> read = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> consume(bootstrap, topic, created, sent, runStart, perChunk, read));
                for (int k = 0; k < run.lines().size(); k++) {
                    sent.set(k, System.nanoTime());
                    producer.send(new ProducerRecord<>(topic, run.runId(),
                            run.lines().get(k).getBytes(StandardCharsets.UTF_8)));
                }
                boolean ok = read.get(60, TimeUnit.SECONDS);
                if (!ok) {
                    missed.incrementAndGet();
                }
                deleter.schedule(() -> {
                    admin.deleteTopics(List.of(topic)).all().whenComplete((v, e) -> live.decrementAndGet());
                }, grace.toMillis(), TimeUnit.MILLISECONDS);
                return ok;
            });
        }
        long atEnd = live.get();
        deleter.shutdownNow();
        deleteAll(admin);
        return new Result(outcome, runStart, perChunk, maxTopics.get(), atEnd, missed.get());
    }

    private static void consume(String bootstrap, String topic, long created, AtomicLongArray sent,
            Latencies runStart, Latencies perChunk, CompletableFuture<Boolean> done) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            int got = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got < sent.length() && System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    long now = System.nanoTime();
                    if (got == 0) {
                        runStart.recordNanos(now - created);
                    } else {
                        perChunk.recordNanos(now - sent.get(got));
                    }
                    got++;
                }
            }
            done.complete(got >= sent.length());
        } catch (RuntimeException e) {
            done.complete(false);
        }
    }

    /** Deletes what is left of the anchor's topics. */
    private static void deleteAll(Admin admin) throws InterruptedException {
        try {
            List<String> left = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(TOPIC_PREFIX)).toList();
            if (!left.isEmpty()) {
                admin.deleteTopics(left).all().get(60, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Left-over topics of the anchor do not change its figures; the broker is discarded afterwards.
        }
    }
}
