package dev.runstream.benchmarks.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.testing.JsonEquality;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodecBenchmarkTest {

    @ParameterizedTest
    @ValueSource(strings = {"corpus", "text-delta"})
    void shouldMeasureCodecsThatGiveBackWhatTheyWereGiven(String input) {
        CodecBenchmark benchmark = new CodecBenchmark();
        benchmark.chunks = input;
        benchmark.setUp();
        List<StoredChunk> chunks = CodecBenchmark.input(input);

        for (StoredChunk chunk : chunks) {
            assertThat(benchmark.avroEncode()).isNotEmpty();
        }
        for (StoredChunk chunk : chunks) {
            assertThat(JsonEquality.equal(benchmark.avroDecode().chunk().json(), chunk.chunk().json()))
                    .as("%s through Avro", chunk.chunk().type()).isTrue();
        }
        for (StoredChunk chunk : chunks) {
            assertThat(benchmark.jsonEncode()).isEqualTo(MastraChunkCodec.encodeBytes(chunk.chunk()));
        }
        for (StoredChunk chunk : chunks) {
            assertThat(JsonEquality.equal(benchmark.jsonDecode().json(), chunk.chunk().json()))
                    .as("%s through JSON", chunk.chunk().type()).isTrue();
        }
    }

    @Test
    void shouldCountBytesOfBothEncodings() {
        double[] corpus = CodecRun.bytesPerChunk("corpus");
        double[] delta = CodecRun.bytesPerChunk("text-delta");

        assertThat(corpus[0]).isGreaterThan(delta[0]).isGreaterThan(5);
        assertThat(corpus[1]).isGreaterThan(delta[1]);
    }
}
