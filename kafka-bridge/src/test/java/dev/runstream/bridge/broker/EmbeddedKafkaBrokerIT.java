package dev.runstream.bridge.broker;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaBrokerIT {

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepCommittedRecordsAndClusterIdAcrossRestartOnSameDataDir() throws Exception {
        String topic = "it-broker-restart";
        String clusterId;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dataDir).build().start()) {
            System.out.printf("Embedded broker first start (format + start + ready): %d ms%n",
                broker.startupTime().toMillis());
            clusterId = broker.clusterId();
            createTopic(broker.bootstrapServers(), topic);
            try (KafkaProducer<String, String> producer = transactionalProducer(broker.bootstrapServers())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "run-1", "committed"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "run-1", "aborted"));
                producer.abortTransaction();
            }
            assertThat(readCommitted(broker.bootstrapServers(), topic)).containsExactly("committed");
        }

        try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.builder(dataDir).build().start()) {
            System.out.printf("Embedded broker restart on existing data: %d ms%n", restarted.startupTime().toMillis());
            assertThat(restarted.clusterId()).isEqualTo(clusterId);
            assertThat(readCommitted(restarted.bootstrapServers(), topic)).containsExactly("committed");
        }
    }

    @Test
    void shouldRefuseASecondStartAndReportState() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dataDir).build();
        assertThat(broker.state()).isEqualTo(EmbeddedKafkaBroker.State.CREATED);
        assertThatThrownBy(broker::bootstrapServers).isInstanceOf(IllegalStateException.class);
        broker.close();
        assertThat(broker.state()).isEqualTo(EmbeddedKafkaBroker.State.STOPPED);
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("STOPPED");
    }

    @Test
    void shouldValidateBuilderValues() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder(dataDir).port(70_000))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder(dataDir).startupTimeout(Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class);
    }

    static void createTopic(String bootstrap, String topic) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-broker-tx",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
            new StringSerializer(), new StringSerializer());
    }

    /** Reads the topic from the start to its end offset, as a read_committed consumer. */
    private static List<String> readCommitted(String bootstrap, String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            long end = consumer.endOffsets(Set.of(partition)).get(partition);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            assertThat(consumer.position(partition)).as("position of %s", partition).isGreaterThanOrEqualTo(end);
            return values;
        }
    }
}
