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

    /** A longer line is refused (and skipped to its end) rather than buffered: {@value} bytes. */
    public static final int DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private long lineNumber;
    private Line next;
    private boolean eof;

    public NdjsonChunkReader(InputStream in) {
        this(in, DEFAULT_MAX_LINE_BYTES);
    }

    public NdjsonChunkReader(InputStream in, int maxLineBytes) {
        this.in = in instanceof java.io.BufferedInputStream ? in : new java.io.BufferedInputStream(in, 64 * 1024);
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes must be positive, was " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
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
        boolean tooLong = false;
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (buffer.size() < maxLineBytes) {
                    buffer.write(b);
                } else {
                    tooLong = true;
                }
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
        if (tooLong) {
            return new Line(lineNumber, Optional.empty(), Optional.of(new ChunkDecodeException(null, null,
                    "line longer than " + maxLineBytes + " bytes")));
        }
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
