package dev.runstream.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.core.ChunkDecodeException;
import dev.runstream.core.testing.ChunkBodies;
import dev.runstream.core.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ChunkBodyReaderTest {

    private static final int LIMIT = 1024 * 1024;

    static Stream<Arguments> scenariosAndFormats() {
        return Corpus.SCENARIOS.stream().flatMap(scenario -> Stream.of(ChunkBodyFormat.values())
                .map(format -> Arguments.of(scenario, format)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("scenariosAndFormats")
    void shouldReadEveryCorpusChunkInEveryFormatDeclaredOrSniffed(String scenario, ChunkBodyFormat format) {
        List<Chunk> chunks = Corpus.chunks(scenario, "chunks.ndjson");
        byte[] body = ChunkBodies.render(chunks, format);

        assertThat(readChunks(body, Optional.of(format))).isEqualTo(chunks);
        assertThat(readChunks(body, Optional.empty())).isEqualTo(chunks);
    }

    @ParameterizedTest
    @EnumSource(ChunkBodyFormat.class)
    void shouldRejectBadItemsAndKeepTheirNeighbours(ChunkBodyFormat format) {
        List<String> items = List.of("{\"type\":\"text-delta\",\"payload\":{\"text\":\"a\"}}", "{\"type\":}",
                "{\"payload\":{}}", "[1,2]", "{\"type\":\"finish\",\"payload\":{}}");
        List<ChunkBodyReader.Item> read = readAll(ChunkBodies.renderJson(items, format), Optional.of(format));

        assertThat(read).extracting(ChunkBodyReader.Item::index).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(read).extracting(item -> item.chunk().isPresent())
                .containsExactly(true, false, false, false, true);
        assertThat(read.get(2).error().orElseThrow().getMessage()).contains("type");
    }

    @Test
    void shouldReportTheLineEachItemStartsOn() {
        byte[] body = "{\"type\":\"a\"}\n\n{\"type\":\nnot json\n{\"type\":\"b\"}\n".getBytes(StandardCharsets.UTF_8);

        List<ChunkBodyReader.Item> read = readAll(body, Optional.of(ChunkBodyFormat.NDJSON));

        assertThat(read).extracting(ChunkBodyReader.Item::line).containsExactly(1L, 3L, 4L, 5L);
        assertThat(read).extracting(ChunkBodyReader.Item::index).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void shouldRefuseAChunkOverTheLimitAndGoOnAfterIt() {
        String huge = "{\"type\":\"text-delta\",\"payload\":{\"text\":\"" + "x".repeat(5000) + "\"}}";
        byte[] body = ChunkBodies.renderJson(List.of(huge, "{\"type\":\"finish\"}"), ChunkBodyFormat.JSON_ARRAY);

        List<ChunkBodyReader.Item> read = readAll(new ByteArrayInputStream(body), Optional.empty(), 1000);

        assertThat(read.get(0).error().orElseThrow().getMessage()).contains("longer than the limit of 1000 bytes");
        assertThat(read.get(1).chunk().orElseThrow().type()).isEqualTo("finish");
    }

    @Test
    void shouldRefuseInvalidUtf8() {
        byte[] body = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};

        assertThat(readAll(body, Optional.empty()).get(0).error().orElseThrow().getMessage())
                .contains("not valid UTF-8");
    }

    @Test
    void shouldReadCommasAndBracketsInsideStringsOfAnArray() {
        String tricky = "{\"type\":\"text-delta\",\"payload\":{\"text\":\"],\\\"[{,\"}}";

        List<Chunk> chunks = readChunks(("[" + tricky + " , " + tricky + "]").getBytes(StandardCharsets.UTF_8),
                Optional.empty());

        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).payload().get("text").asText()).isEqualTo("],\"[{,");
    }

    @Test
    void shouldJoinMultiLineSseDataAndIgnoreOtherFields() {
        String body = ": comment\r\nevent: chunk\r\nid: 3\r\ndata: {\"type\":\r\ndata: \"finish\"}\r\n\r\ndata: [DONE]\n\n"
                + "data: {\"type\":\"after-done\"}\n\n";

        assertThat(readChunks(body.getBytes(StandardCharsets.UTF_8), Optional.empty()))
                .extracting(Chunk::type).containsExactly("finish");
    }

    @Test
    void shouldRefuseABodyWhoseFormatCannotBeTold() {
        assertThatThrownBy(() -> ChunkBodyReader.open(new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)),
                Optional.empty(), LIMIT)).isInstanceOf(ChunkDecodeException.class).hasMessageContaining("format");
    }

    @Test
    void shouldReadAnEmptyBodyAsNoChunks() {
        assertThat(readAll(new byte[0], Optional.empty())).isEmpty();
        assertThat(readAll("[]".getBytes(StandardCharsets.UTF_8), Optional.empty())).isEmpty();
    }

    @Test
    void shouldRefuseAJsonBodyThatIsNotAnArray() {
        List<ChunkBodyReader.Item> read = readAll("{\"type\":\"start\"}".getBytes(StandardCharsets.UTF_8),
                Optional.of(ChunkBodyFormat.JSON_ARRAY));

        assertThat(read).hasSize(1);
        assertThat(read.get(0).error().orElseThrow().getMessage()).contains("starts with '['");
    }

    @Test
    void shouldNameTheFormatOfAMediaType() {
        assertThat(ChunkBodyFormat.ofMediaType("application/x-ndjson; charset=utf-8")).contains(ChunkBodyFormat.NDJSON);
        assertThat(ChunkBodyFormat.ofMediaType("Text/Event-Stream")).contains(ChunkBodyFormat.SSE);
        assertThat(ChunkBodyFormat.ofMediaType("application/json-seq")).contains(ChunkBodyFormat.RECORD_SEPARATED);
        assertThat(ChunkBodyFormat.ofMediaType("text/plain")).isEmpty();
    }

    private static List<Chunk> readChunks(byte[] body, Optional<ChunkBodyFormat> format) {
        return readAll(body, format).stream().map(item -> item.chunk().orElseThrow(() -> item.error().orElseThrow()))
                .map(chunk -> chunk.attributedTo(Corpus.RUN_ID)).toList();
    }

    private static List<ChunkBodyReader.Item> readAll(byte[] body, Optional<ChunkBodyFormat> format) {
        return readAll(new ByteArrayInputStream(body), format, LIMIT);
    }

    private static List<ChunkBodyReader.Item> readAll(InputStream body, Optional<ChunkBodyFormat> format, int limit) {
        List<ChunkBodyReader.Item> items = new ArrayList<>();
        ChunkBodyReader.open(body, format, limit).forEachRemaining(items::add);
        return items;
    }
}
