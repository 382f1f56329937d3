package dev.runstream.bridge.publish.internal;

import dev.runstream.bridge.config.RecordHeaders;
import dev.runstream.bridge.config.RunTopics;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Creates run topics in batches (one CreateTopics call for every new run of a batch) and, for runs whose topic
 * already exists (a resumed leg, a restarted writer), reads the sequence number to go on from. Used by one thread.
 */
public final class RunTopicProvisioner implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunTopicProvisioner.class);

    private static final int TAIL_WINDOW = 32;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final RunTopics topics;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> tailReader;
    private final Map<String, String> topicConfig = new HashMap<>();
    private final Optional<Short> replication;

    public RunTopicProvisioner(RunstreamConfig config, Admin admin) {
        this.topics = config.topics();
        this.admin = admin;
        this.tailReader = new KafkaConsumer<>(config.readCommittedConsumerProperties(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        long retention = config.getLong(RunstreamConfig.RUN_TOPIC_RETENTION_MS_CONFIG);
        topicConfig.put("retention.ms", Long.toString(retention));
        int minIsr = config.getInt(RunstreamConfig.RUN_TOPIC_MIN_INSYNC_REPLICAS_CONFIG);
        if (minIsr > 0) {
            topicConfig.put("min.insync.replicas", Integer.toString(minIsr));
        }
        short rf = config.getShort(RunstreamConfig.RUN_TOPIC_REPLICATION_FACTOR_CONFIG);
        this.replication = rf > 0 ? Optional.of(rf) : Optional.empty();
    }

    /**
     * Makes sure each run's topic exists and returns, per run, the next sequence number: 0 for a new topic, one
     * past the last chunk's for an existing one. Runs whose topic could not be made map to an exception.
     */
    public Map<String, Object> provision(Collection<String> runIds) {
        Map<String, Object> next = new HashMap<>();
        List<NewTopic> newTopics = new ArrayList<>();
        for (String runId : runIds) {
            newTopics.add(new NewTopic(topics.runTopic(runId), Optional.of(1), replication).configs(topicConfig));
        }
        CreateTopicsResult result = admin.createTopics(newTopics);
        List<String> existing = new ArrayList<>();
        for (String runId : runIds) {
            try {
                result.values().get(topics.runTopic(runId)).get();
                next.put(runId, 0L);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    existing.add(runId);
                } else {
                    next.put(runId, new RunstreamException("run '" + runId + "': its topic could not be created: "
                            + e.getCause(), e.getCause()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunstreamException("interrupted while creating run topics", e);
            }
        }
        awaitLeaders(runIds.stream().filter(run -> Long.valueOf(0L).equals(next.get(run)))
                .map(topics::runTopic).toList());
        if (!existing.isEmpty()) {
            next.putAll(nextSequences(existing));
        }
        return next;
    }

    /**
     * Waits until the leader of every new topic's partition serves requests. Producing to a partition whose
     * leadership the broker has not applied yet gets NOT_LEADER_OR_FOLLOWER even when the metadata already names the
     * leader, and an idempotent producer's retries of such early batches were seen to loop on
     * OUT_OF_ORDER_SEQUENCE_NUMBER until delivery timed out (a burst of 50 new runs in PublishSubscribeIT). A
     * ListOffsets request is answered by the partition leader only, and the admin client retries it until then.
     */
    private void awaitLeaders(List<String> newTopics) {
        if (newTopics.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetSpec> waiting = new HashMap<>();
        newTopics.forEach(topic -> waiting.put(new TopicPartition(topic, 0), OffsetSpec.latest()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            // A topic just created may still be unknown to the broker's metadata cache: ask again until it is led.
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                var result = admin.listOffsets(waiting);
                for (TopicPartition partition : List.copyOf(waiting.keySet())) {
                    try {
                        result.partitionResult(partition).get(Math.max(1, deadline - System.nanoTime()),
                                java.util.concurrent.TimeUnit.NANOSECONDS);
                        waiting.remove(partition);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)) {
                            waiting.remove(partition);
                        }
                    }
                }
                if (!waiting.isEmpty()) {
                    Thread.sleep(20);
                }
            }
            if (!waiting.isEmpty()) {
                LOG.warn("new run topics {} not led yet after {}: writing anyway", waiting.keySet(), TIMEOUT);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("new run topics {} not led yet after {}: writing anyway", waiting.keySet(), TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("interrupted while waiting for new run topics", e);
        }
    }

    /**
     * One past the highest {@code runstream.sequence} header in the tail of each run's topic; for a run whose tail
     * is not numbered one by one (a chunk is missing), a {@link RunstreamException} saying where.
     */
    private Map<String, Object> nextSequences(List<String> runIds) {
        Map<TopicPartition, String> partitions = new HashMap<>();
        for (String runId : runIds) {
            partitions.put(new TopicPartition(topics.runTopic(runId), 0), runId);
        }
        tailReader.assign(partitions.keySet());
        Map<TopicPartition, Long> ends = tailReader.endOffsets(partitions.keySet(), TIMEOUT);
        Map<String, Object> next = new HashMap<>();
        for (Map.Entry<TopicPartition, String> entry : partitions.entrySet()) {
            next.put(entry.getValue(), 0L);
            long end = ends.getOrDefault(entry.getKey(), 0L);
            long start = Math.max(0, end - TAIL_WINDOW);
            if (end == 0) {
                tailReader.pause(List.of(entry.getKey()));
            } else {
                tailReader.seek(entry.getKey(), start);
            }
        }
        Map<String, Long> last = new HashMap<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && !caughtUp(ends)) {
            for (ConsumerRecord<byte[], byte[]> record : tailReader.poll(Duration.ofMillis(100))) {
                String header = RecordHeaders.get(record.headers(), RecordHeaders.SEQUENCE);
                String runId = partitions.get(new TopicPartition(record.topic(), record.partition()));
                if (header == null || next.get(runId) instanceof RuntimeException) {
                    continue;
                }
                long sequence = Long.parseLong(header);
                Long previous = last.put(runId, sequence);
                if (previous != null && sequence != previous + 1) {
                    next.put(runId, new RunstreamException("run '" + runId + "': its topic is not numbered one by one: "
                            + "sequence " + sequence + " at offset " + record.offset() + " follows sequence "
                            + previous));
                } else {
                    next.merge(runId, sequence + 1, (a, b) -> Math.max((Long) a, (Long) b));
                }
            }
        }
        tailReader.assign(List.of());
        return next;
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        for (TopicPartition partition : tailReader.assignment()) {
            if (!tailReader.paused().contains(partition) && tailReader.position(partition) < ends.get(partition)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        tailReader.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
