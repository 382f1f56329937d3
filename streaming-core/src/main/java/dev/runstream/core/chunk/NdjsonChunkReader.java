package dev.runstream.core.chunk;

import dev.runstream.core.ChunkDecodeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Reads a Mastra NDJSON chunk stream line by line. Lines are split on {@code \n} only: Mastra's JSON may hold raw
 * U+2028/U+2029 inside strings, which line readers that also split on those would break. A bad line yields a
 * {@link Line} with its error and reading goes on with the next one. Blank lines are skipped.
 */
public final class NdjsonChunkReader implements Iterator<NdjsonChunkReader.Line> {

    /** One non-blank line: its 1-based number and either the chunk or why it is not one. */
    public record Line(long number, Optional<Chunk> chunk, Optional<ChunkDecodeException> error) {

        /** The chunk, or the line's error. */
        public Chunk chunkOrThrow() {
            return chunk.orElseThrow(() -> error.orElseThrow());
        }
    }

    private final InputStream in;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private long lineNumber;
    private Line next;
    private boolean eof;

    public NdjsonChunkReader(InputStream in) {
        this.in = in;
    }

    @Override
    public boolean hasNext() {
        while (next == null && !eof) {
            next = readLine();
        }
        return next != null;
    }

    @Override
    public Line next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Line line = next;
        next = null;
        return line;
    }

    private Line readLine() {
        buffer.reset();
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                buffer.write(b);
            }
            if (b == -1) {
                eof = true;
                if (buffer.size() == 0) {
                    return null;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lineNumber++;
        byte[] bytes = buffer.toByteArray();
        if (isBlank(bytes)) {
            return null;
        }
        try {
            return new Line(lineNumber, Optional.of(MastraChunkCodec.decode(bytes)), Optional.empty());
        } catch (ChunkDecodeException e) {
            return new Line(lineNumber, Optional.empty(), Optional.of(e));
        }
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
