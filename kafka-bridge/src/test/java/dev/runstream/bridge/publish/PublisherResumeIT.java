package dev.runstream.bridge.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.broker.RunLayouts;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where {@link KafkaRunPublisher#resume(String)} goes on numbering a run whose topic ends in transactions: aborted
 * attempts (many, after repeated failures) and a transaction whose outcome is not decided yet when the writer
 * resumes. The records standing in for a failed publisher's are written by a raw transactional producer.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@ParameterizedClass(name = "[{0}]")
@ValueSource(strings = {RunLayouts.TOPIC_PER_RUN, RunLayouts.SHARED})
class PublisherResumeIT {

    @Parameter
    String layout;

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final EmbeddedKafkaBroker broker;
    private final SchemaRegistryClient registry = new InMemorySchemaRegistry();
    private RunstreamConfig config;
    private KafkaRunPublisher publisher;

    PublisherResumeIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void start() {
        config = new RunstreamConfig(Map.of(
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                RunstreamConfig.PREFIX_CONFIG, "resume" + PREFIXES.incrementAndGet(),
                RunstreamConfig.RUN_LAYOUT_CONFIG, layout));
        publisher = new KafkaRunPublisher(config, registry);
    }

    @AfterEach
    void stop() {
        publisher.close();
    }

    private List<Chunk> publishRun(String runId) {
        List<Chunk> chunks = Corpus.chunksAs("agent-text", "chunks.ndjson", runId);
        List<CompletableFuture<Long>> acks = chunks.stream()
                .map(chunk -> publisher.accept(runId, chunk).toCompletableFuture()).toList();
        acks.forEach(CompletableFuture::join);
        return chunks;
    }

    private KafkaProducer<String, byte[]> rawTransactionalProducer(String id) {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", broker.bootstrapServers(), "transactional.id", id,
                "transaction.timeout.ms", 60_000), new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    /** Sends records numbered {@code from} to {@code to - 1} to the run's log, in the open transaction. */
    private void sendNumbered(KafkaProducer<String, byte[]> producer, String runId, long from, long to) {
        for (long sequence = from; sequence < to; sequence++) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                    RunLayouts.logTopic(config.topics(), layout, runId), runId,
                    ("attempt " + sequence).getBytes(StandardCharsets.UTF_8));
            RunstreamHeaders.put(record.headers(), RunstreamHeaders.SEQUENCE, Long.toString(sequence));
            producer.send(record);
        }
        producer.flush();
    }

    @Test
    void shouldNumberFromTheLastCommittedChunkWhenTheTopicEndsInManyAbortedAttempts() {
        String runId = "aborted-tail";
        int stored = publishRun(runId).size();
        try (KafkaProducer<String, byte[]> failed = rawTransactionalProducer("failed-attempts")) {
            for (int attempt = 0; attempt < 5; attempt++) {
                failed.beginTransaction();
                sendNumbered(failed, runId, stored, stored + 40);
                failed.abortTransaction();
            }
        }

        long next = publisher.resume(runId).toCompletableFuture().join();

        assertThat(next).as("the 205 aborted records and 5 markers at the end of the topic are not chunks")
                .isEqualTo(stored);
    }

    @Test
    void shouldNeverNumberFromBeforeATransactionThatIsStillUndecided() throws Exception {
        String runId = "undecided-tail";
        int stored = publishRun(runId).size();
        try (KafkaProducer<String, byte[]> committing = rawTransactionalProducer("committing-late")) {
            committing.beginTransaction();
            sendNumbered(committing, runId, stored, stored + 5);
            CompletableFuture<Long> early = publisher.resume(runId).toCompletableFuture();
            Thread.sleep(300);
            committing.commitTransaction();

            // While the transaction was undecided, the only right answers are "try again" and one past its chunks.
            try {
                assertThat(early.get(30, TimeUnit.SECONDS)).isEqualTo(stored + 5L);
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).hasMessageContaining(runId).hasMessageContaining("not decided yet")
                        .hasMessageContaining("try again");
            }
        }
        assertThat(resumeAsAWriterWould(runId)).isEqualTo(stored + 5L);
        Chunk next = Corpus.chunksAs("agent-text", "chunks.ndjson", runId).getLast();
        assertThat(publisher.accept(runId, next).toCompletableFuture().get(30, TimeUnit.SECONDS))
                .isEqualTo(stored + 5L);
    }

    @Test
    void shouldTellTheWriterToTryAgainWhileATransactionStaysUndecided() {
        String runId = "stuck-tail";
        int stored = publishRun(runId).size();
        try (KafkaProducer<String, byte[]> stuck = rawTransactionalProducer("stuck")) {
            stuck.beginTransaction();
            sendNumbered(stuck, runId, stored, stored + 3);
            assertThat(publisher.resume(runId).toCompletableFuture()).failsWithin(Duration.ofSeconds(30))
                    .withThrowableThat().withMessageContaining(runId).withMessageContaining("not decided yet")
                    .withMessageContaining("try again");
            assertThat(publisher.needsResume(runId)).isTrue();
            stuck.abortTransaction();
        }
        assertThat(resumeAsAWriterWould(runId)).isEqualTo(stored);
    }

    @Test
    void shouldResumeABrokenRunForAWriterThatGivesPositions() throws Exception {
        String runId = "positional-resume";
        int stored = publishRun(runId).size();
        Chunk next = Corpus.chunksAs("agent-text", "chunks.ndjson", runId).getLast();
        try (KafkaProducer<String, byte[]> stuck = rawTransactionalProducer("stuck-positional")) {
            stuck.beginTransaction();
            sendNumbered(stuck, runId, stored, stored + 3);
            assertThat(publisher.resume(runId).toCompletableFuture()).failsWithin(Duration.ofSeconds(30));
            assertThat(publisher.needsResume(runId)).isTrue();

            assertThat(publisher.acceptAt(runId, stored, next).toCompletableFuture())
                    .as("the run cannot be resumed while a transaction on its topic is undecided")
                    .failsWithin(Duration.ofSeconds(60)).withThrowableThat().havingCause()
                    .isInstanceOf(RunResumeException.class)
                    .withMessageContaining(runId).withMessageContaining("retry");
            stuck.abortTransaction();
        }
        PublishedChunk written = publisher.acceptAt(runId, stored, next).toCompletableFuture().get(60,
                TimeUnit.SECONDS);
        assertThat(written.sequence()).isEqualTo(stored);
        assertThat(written.duplicate()).isFalse();
        assertThat(publisher.needsResume(runId)).isFalse();
        assertThat(publisher.acceptAt(runId, stored, next).toCompletableFuture().get(60, TimeUnit.SECONDS)
                .duplicate()).as("the same position again is a duplicate").isTrue();
    }

    /** Resumes the run, again after each "try again", for up to 30 s. */
    private long resumeAsAWriterWould(String runId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return publisher.resume(runId).toCompletableFuture().join();
            } catch (java.util.concurrent.CompletionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }
}
