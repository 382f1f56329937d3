package dev.runstream.bridge.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.bridge.aggregate.internal.RunIdPartitioner;
import dev.runstream.core.InvalidRunIdException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkKeyTest {

    @Test
    void shouldSpellAndParseRunIdSlashSequence() {
        ChunkKey key = new ChunkKey("run-1.a_b", 42);

        assertThat(key.toString()).isEqualTo("run-1.a_b/42");
        assertThat(ChunkKey.parse("run-1.a_b/42")).contains(key);
        assertThat(ChunkKey.runIdOf("run-1.a_b/42")).isEqualTo("run-1.a_b");
        assertThat(ChunkKey.runIdOf("run-1.a_b")).as("an erase marker's key").isEqualTo("run-1.a_b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run-1", "run-1/", "/3", "run-1/-1", "run-1/07", "run-1/3/4", "run 1/3", "--anchor/1",
            "run-1/99999999999999999999", "run-1/1e3"})
    void shouldParseNothingButACanonicalChunkKey(String key) {
        assertThat(ChunkKey.parse(key)).isEmpty();
    }

    @Test
    void shouldRefuseAnInvalidRunIdOrANegativeSequence() {
        assertThatThrownBy(() -> new ChunkKey("a/b", 1)).isInstanceOf(InvalidRunIdException.class);
        assertThatThrownBy(() -> new ChunkKey("run-1", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 12, 50})
    void shouldPartitionEveryKeyOfARunWhereTheProducerPutsTheBareRunId(int partitions) {
        RunIdPartitioner<byte[]> partitioner = new RunIdPartitioner<>();
        for (String runId : new String[] {"run-1", "run-2", "00000000-0000-4000-8000-000000000001", "x"}) {
            int expected = BuiltInPartitioner.partitionForKey(runId.getBytes(StandardCharsets.UTF_8), partitions);

            assertThat(ChunkKey.partitionOf(runId, partitions)).isEqualTo(expected);
            for (long sequence : new long[] {0, 1, 17, 123_456}) {
                assertThat(partitioner.partitions("t", new ChunkKey(runId, sequence).toString(), null, partitions))
                        .contains(Set.of(expected));
            }
            assertThat(partitioner.partitions("t", runId, null, partitions)).contains(Set.of(expected));
        }
    }
}
