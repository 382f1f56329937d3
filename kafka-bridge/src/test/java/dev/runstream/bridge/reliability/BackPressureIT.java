package dev.runstream.bridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.json.Json;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A writer faster than the broker lets it be: a producer byte-rate quota on the publisher's client id throttles the
 * broker's answers, and the writer hands over chunks as fast as it can make them. {@code accept} must hold it at
 * {@code publisher.max.in.flight.chunks}: the writer is seen parked there, never more chunks are outstanding than
 * the limit, the heap stays within a bound far below what buffering the chunks would take, and every chunk is
 * stored, once, in order.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class BackPressureIT {

    private static final int MAX_IN_FLIGHT = 100;
    private static final int CHUNK_TEXT_BYTES = 8 * 1024;
    private static final int CHUNKS = Reliability.scale(3_000, 20_000);
    private static final int RUNS = 4;
    private static final double QUOTA_BYTES_PER_SECOND = 1_000_000;
    /**
     * 20 times the text of the chunks in flight (16 MB); buffering what the writer makes after the first eighth would
     * take at least 7/8 x CHUNKS x 8 KiB (21 MB, or 147 MB in the long variant) of text alone.
     */
    private static final long HEAP_BOUND = 20L * MAX_IN_FLIGHT * CHUNK_TEXT_BYTES;

    private final String bootstrap;

    BackPressureIT(EmbeddedKafkaBroker broker) {
        this.bootstrap = broker.bootstrapServers();
    }

    @Test
    void shouldHoldAFastWriterAtTheInFlightLimitWithBoundedHeapAndStoreEveryChunk() throws Exception {
        String prefix = "rel-backpressure-" + Long.toHexString(System.nanoTime());
        String clientId = prefix + "-publisher";
        RunstreamConfig config = new RunstreamConfig(Map.of(RunstreamConfig.PREFIX_CONFIG, prefix,
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                RunstreamConfig.PUBLISHER_MAX_IN_FLIGHT_CHUNKS_CONFIG, MAX_IN_FLIGHT,
                // Throttled, the broker mutes the connection its transaction coordinator answers on too: an EndTxn
                // can wait past the publisher's 10 s transaction timeout, and the coordinator then aborts the
                // transaction (InvalidProducerEpochException). Back-pressure, not that timeout, is what is tested.
                "kafka.producer.transaction.timeout.ms", 60_000,
                "kafka.producer.client.id", clientId));
        SchemaRegistryClient registry = new InMemorySchemaRegistry();
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, clientId));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, List.of(
                    new ClientQuotaAlteration.Op("producer_byte_rate", QUOTA_BYTES_PER_SECOND))))).all().get();
            try {
                run(config, registry, clientId);
            } finally {
                admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, List.of(
                        new ClientQuotaAlteration.Op("producer_byte_rate", null))))).all().get();
            }
        }
    }

    private void run(RunstreamConfig config, SchemaRegistryClient registry, String clientId) throws Exception {
        AtomicLong accepted = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong maxOutstanding = new AtomicLong();
        long baseline = -1;
        long peak = 0;
        boolean throttled = false;
        try (KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry)) {
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().name("fast-writer").start(() -> {
                try {
                    for (int i = 0; i < CHUNKS; i++) {
                        String runId = "run-" + (i % RUNS);
                        publisher.accept(runId, chunk(runId, i / RUNS)).toCompletableFuture()
                                .whenComplete((sequence, error) -> (error == null ? completed : failed)
                                        .incrementAndGet());
                        long outstanding = accepted.incrementAndGet() - completed.get() - failed.get();
                        maxOutstanding.accumulateAndGet(outstanding, Math::max);
                    }
                } catch (RuntimeException e) {
                    writerFailure.set(e);
                }
            });
            AtomicBoolean parked = new AtomicBoolean();
            for (int eighth = 1; eighth < 8; eighth++) {
                long milestone = (long) CHUNKS * eighth / 8;
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(10)).until(() -> {
                    parked.compareAndSet(false, isParkedInAccept(writer));
                    return accepted.get() >= milestone || !writer.isAlive();
                });
                // From the first eighth on: by then the producer's buffer pool and the broker's state for these
                // runs exist; what grows after that grows with what the writer made.
                long used = usedHeapAfterGc();
                baseline = baseline < 0 ? used : baseline;
                peak = Math.max(peak, used);
                throttled |= producerThrottleTimeMax(clientId) > 0;
            }
            writer.join(Duration.ofMinutes(3));
            assertThat(writerFailure.get()).isNull();
            publisher.flush();
            assertThat(parked.get()).as("the writer was seen waiting in accept").isTrue();
        }
        await().atMost(Duration.ofMinutes(1)).until(() -> completed.get() + failed.get() == CHUNKS);
        assertThat(failed.get()).as("failed chunks").isZero();
        assertThat(throttled).as("the broker throttled the publisher (produce-throttle-time-max)").isTrue();
        // A chunk's permit is released just before the writer's own completion callback runs: one may be counted
        // twice for a moment.
        assertThat(maxOutstanding.get()).as("outstanding chunks").isBetween((long) MAX_IN_FLIGHT - 1,
                (long) MAX_IN_FLIGHT + 1);
        assertThat(peak - baseline).as("heap growth after GC from the first eighth on, bound %d bytes", HEAP_BOUND)
                .isLessThan(HEAP_BOUND);

        StoredRuns stored = new StoredRuns(bootstrap, registry);
        for (int run = 0; run < RUNS; run++) {
            String runId = "run-" + run;
            int count = CHUNKS / RUNS + (run < CHUNKS % RUNS ? 1 : 0);
            stored.assertStoredExactlyOnce(config.topics().runTopic(runId), runId, new AbstractList<>() {
                @Override
                public Chunk get(int index) {
                    return chunk(runId, index);
                }

                @Override
                public int size() {
                    return count;
                }
            });
        }
        System.out.printf("BackPressureIT: %d chunks of %d KiB, quota %.0f B/s, in-flight limit %d: at most %d "
                        + "outstanding, heap after GC grew %d KiB at most (bound %d KiB), every chunk stored once%n",
                CHUNKS, CHUNK_TEXT_BYTES / 1024, QUOTA_BYTES_PER_SECOND, MAX_IN_FLIGHT, maxOutstanding.get(),
                (peak - baseline) / 1024, HEAP_BOUND / 1024);
    }

    /** Chunk {@code index} of {@code runId}: a text delta of random (incompressible) text, the same every time. */
    private static Chunk chunk(String runId, int index) {
        byte[] random = new byte[CHUNK_TEXT_BYTES * 3 / 4];
        new Random(runId.hashCode() * 1_000_003L + index).nextBytes(random);
        ObjectNode json = Json.object();
        json.put("type", "text-delta").put("runId", runId).put("from", "AGENT");
        json.putObject("payload").put("id", "t-" + index).put("text", Base64.getEncoder().encodeToString(random));
        return Chunk.of(json);
    }

    /** Whether the writer is waiting for a permit inside {@code KafkaRunPublisher.accept}. */
    private static boolean isParkedInAccept(Thread writer) {
        List<StackTraceElement> stack = Arrays.asList(writer.getStackTrace());
        return stack.stream().anyMatch(frame -> frame.getClassName().equals(KafkaRunPublisher.class.getName())
                && frame.getMethodName().equals("accept"))
                && stack.stream().anyMatch(frame -> frame.getClassName().equals("java.util.concurrent.Semaphore"));
    }

    private static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double producerThrottleTimeMax(String clientId) throws Exception {
        Object value = ManagementFactory.getPlatformMBeanServer().getAttribute(
                new ObjectName("kafka.producer:type=producer-metrics,client-id=" + clientId),
                "produce-throttle-time-max");
        return value instanceof Double d && !d.isNaN() ? d : 0;
    }
}
