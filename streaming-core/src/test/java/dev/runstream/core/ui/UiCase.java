package dev.runstream.core.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.testing.Corpus;
import java.util.Arrays;
import java.util.List;

/**
 * One row of a conversion table: Mastra chunks in, UI chunks out, one JSON object a line. Single quotes stand for
 * double quotes, so rows stay readable (no value in these tables contains an apostrophe).
 */
record UiCase(String name, UiStreamOptions options, String input, String expected) {

    static final String RUN = "run-1";

    static UiCase of(String name, String input, String expected) {
        return new UiCase(name, UiStreamOptions.defaults(), input, expected);
    }

    static UiCase of(String name, UiStreamOptions options, String input, String expected) {
        return new UiCase(name, options, input, expected);
    }

    /** The input chunks, attributed to {@link #RUN} when they carry no run id. */
    List<Chunk> chunks() {
        return lines(input).stream().map(line -> MastraChunkCodec.decode(line).attributedTo(RUN)).toList();
    }

    List<JsonNode> expectedChunks() {
        return lines(expected).stream().map(Corpus::parse).toList();
    }

    void assertConverts() {
        List<ObjectNode> actual = UiMessageStreamConverter.convertAll(chunks(), options);
        UiMessageStreamConverterCorpusTest.assertChunkForChunk(actual, expectedChunks());
    }

    static List<String> lines(String block) {
        return Arrays.stream(block.split("\n")).map(String::strip).filter(line -> !line.isEmpty())
                .map(line -> line.replace('\'', '"')).toList();
    }

    @Override
    public String toString() {
        return name;
    }
}
