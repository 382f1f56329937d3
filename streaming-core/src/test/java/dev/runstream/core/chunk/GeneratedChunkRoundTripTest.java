package dev.runstream.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.testing.GeneratedChunks;
import dev.runstream.core.testing.JsonEquality;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Property: generated chunks of every type survive the codec and an NDJSON file unchanged. */
class GeneratedChunkRoundTripTest {

    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldRoundTripGeneratedChunksOfEveryType(long seed) {
        GeneratedChunks generator = new GeneratedChunks(seed);
        for (String type : GeneratedChunks.TYPES) {
            ObjectNode json = generator.chunk(type, "run-" + seed);
            Chunk chunk = MastraChunkCodec.fromTree(json.deepCopy());
            assertThat(chunk.type()).isEqualTo(type);
            Chunk back = MastraChunkCodec.decode(MastraChunkCodec.encode(chunk));
            assertThat(JsonEquality.equal(back.json(), json)).as("seed %d type %s: %s", seed, type, json).isTrue();
            assertThat(JsonEquality.equal(MastraChunkCodec.decode(MastraChunkCodec.encodeBytes(chunk)).json(), json))
                    .isTrue();
            assertThat(chunk.view()).isNotNull();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldReadBackAnNdjsonFileOfGeneratedChunksLineForLine(long seed) {
        GeneratedChunks generator = new GeneratedChunks(seed);
        List<ObjectNode> written = new ArrayList<>();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (String type : GeneratedChunks.TYPES) {
            ObjectNode json = generator.chunk(type, "r");
            written.add(json);
            // JSON.stringify writes U+2028/U+2029 raw: so does Jackson; the reader must split on \n only.
            file.writeBytes(MastraChunkCodec.encodeBytes(MastraChunkCodec.fromTree(json.deepCopy())));
            file.write('\n');
        }
        String text = file.toString(StandardCharsets.UTF_8);
        NdjsonChunkReader reader = new NdjsonChunkReader(new ByteArrayInputStream(file.toByteArray()));
        List<Chunk> read = new ArrayList<>();
        reader.forEachRemaining(line -> read.add(line.chunkOrThrow()));
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < read.size(); i++) {
            assertThat(JsonEquality.equal(read.get(i).json(), written.get(i))).as("line %d", i + 1).isTrue();
        }
        assertThat(text.lines().count()).isGreaterThanOrEqualTo(written.size());
    }
}
