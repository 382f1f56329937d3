package dev.runstream.core.chunk;

import dev.runstream.core.ChunkDecodeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the chunks of an HTTP body in any {@link ChunkBodyFormat} as they arrive: one item is decoded as soon as its
 * bytes are in, so a streamed body is never buffered to its end. Memory is bounded by the largest chunk allowed.
 *
 * <p>Every item says where it started (its 1-based index among the body's chunks and the line it starts on) and
 * holds the chunk or the reason it is not one: a chunk longer than the limit, bytes that are not UTF-8, text that
 * is not JSON, an envelope that is not a chunk's. A bad item never hides its neighbours: reading goes on at the next
 * separator. In a JSON array the separators are the array's own commas, found by tracking strings and nesting, so
 * a malformed element whose brackets balance does not lose the next ones either; one whose brackets do not balance
 * runs on until they do (the array's structure itself is then ambiguous), which is why NDJSON, SSE and
 * record-separated bodies, where every chunk has its own line or record, are the better formats to stream.
 */
public final class ChunkBodyReader implements Iterator<ChunkBodyReader.Item> {

    /** One chunk of the body, or why the bytes where one was expected are not one. */
    public record Item(long index, long line, Optional<Chunk> chunk, Optional<ChunkDecodeException> error) {

        public Item {
            if (chunk.isPresent() == error.isPresent()) {
                throw new IllegalArgumentException("an item holds a chunk or an error");
            }
        }
    }

    private static final int HEAD_BYTES = 64;

    private final ChunkBodyFormat format;
    private final ByteScanner in;
    private final Frame frame;
    private final int maxChunkBytes;
    private long index;
    private Item next;
    private boolean done;
    private boolean arrayOpened;
    private Item refusedBody;

    private ChunkBodyReader(ChunkBodyFormat format, ByteScanner in, int maxChunkBytes) {
        this.format = format;
        this.in = in;
        this.maxChunkBytes = maxChunkBytes;
        this.frame = new Frame(maxChunkBytes);
    }

    /**
     * A reader of {@code body} in the {@code declared} format, or, when none is declared, in the format its first
     * bytes show ({@link ChunkBodyFormat#sniff}). An empty body reads as no chunks.
     *
     * @throws ChunkDecodeException when no format is declared and the first bytes show none
     * @throws UncheckedIOException when the body cannot be read
     */
    public static ChunkBodyReader open(InputStream body, Optional<ChunkBodyFormat> declared, int maxChunkBytes) {
        Objects.requireNonNull(body, "body");
        if (maxChunkBytes <= 0) {
            throw new IllegalArgumentException("maxChunkBytes must be positive, was " + maxChunkBytes);
        }
        ByteScanner scanner = new ByteScanner(body);
        ChunkBodyFormat format = declared.orElseGet(() -> {
            int available = scanner.peek(HEAD_BYTES);
            if (available == 0) {
                return ChunkBodyFormat.NDJSON;
            }
            return ChunkBodyFormat.sniff(scanner.buffer, available).orElseThrow(() -> new ChunkDecodeException(
                    null, null, "the body's format is neither declared by its content type nor recognisable from its"
                            + " first bytes (expected NDJSON, a JSON array, SSE data: lines or \\x1E-separated JSON)"));
        });
        return new ChunkBodyReader(format, scanner, maxChunkBytes);
    }

    public ChunkBodyFormat format() {
        return format;
    }

    @Override
    public boolean hasNext() {
        while (next == null && !done) {
            try {
                next = readItem();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return next != null;
    }

    @Override
    public Item next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Item item = next;
        next = null;
        return item;
    }

    private Item readItem() throws IOException {
        frame.reset(in.line());
        boolean framed = switch (format) {
            case NDJSON -> frameUntil('\n', ChunkBodyFormat.RECORD_SEPARATOR);
            case RECORD_SEPARATED -> frameUntil(ChunkBodyFormat.RECORD_SEPARATOR, ChunkBodyFormat.RECORD_SEPARATOR);
            case SSE -> frameSseEvent();
            case JSON_ARRAY -> frameArrayElement();
        };
        if (refusedBody != null) {
            Item refused = refusedBody;
            refusedBody = null;
            return refused;
        }
        if (!framed) {
            return null;
        }
        index++;
        return decode();
    }

    /**
     * Reads up to either separator or the end; false when the frame is blank (nothing to decode). NDJSON lines also
     * end at a record separator: valid JSON never holds one, and Mastra's workflow route sends its \x1E-separated
     * stream as {@code text/plain}, which is told from NDJSON only by its separators.
     */
    private boolean frameUntil(int separator, int alsoSeparator) throws IOException {
        int b;
        while ((b = in.read()) != -1 && b != separator && b != alsoSeparator) {
            frame.add(b);
        }
        done = b == -1;
        return !frame.isBlank();
    }

    /** Gathers the {@code data:} lines of one event; false at the end, or at {@code data: [DONE]}. */
    private boolean frameSseEvent() throws IOException {
        boolean hasData = false;
        while (true) {
            long lineNumber = in.line();
            Frame line = readLine();
            if (line == null) {
                done = true;
                return hasData && !isDoneMarker();
            }
            if (line.size == 0) {
                if (hasData) {
                    if (isDoneMarker()) {
                        done = true;
                        return false;
                    }
                    return true;
                }
                continue;
            }
            if (line.startsWith("data:")) {
                if (!hasData) {
                    frame.reset(lineNumber);
                } else {
                    frame.add('\n');
                }
                hasData = true;
                int from = line.size > 5 && line.bytes[5] == ' ' ? 6 : 5;
                frame.addAll(line, from);
            }
        }
    }

    private final Frame lineBuffer = new Frame(Integer.MAX_VALUE);

    /** One SSE line without its {@code \n} or {@code \r\n}; null at the end of the body. */
    private Frame readLine() throws IOException {
        lineBuffer.reset(in.line());
        lineBuffer.limit = maxChunkBytes + 16;
        int b;
        boolean any = false;
        while ((b = in.read()) != -1 && b != '\n') {
            lineBuffer.add(b);
            any = true;
        }
        if (b == -1 && !any) {
            return null;
        }
        if (lineBuffer.size > 0 && lineBuffer.bytes[lineBuffer.size - 1] == '\r') {
            lineBuffer.size--;
        }
        return lineBuffer;
    }

    private boolean isDoneMarker() {
        return !frame.tooLong && frame.size == 6 && Arrays.equals(frame.bytes, 0, 6,
                "[DONE]".getBytes(StandardCharsets.US_ASCII), 0, 6);
    }

    /** One element of the top-level array, up to its comma or the closing bracket. */
    private boolean frameArrayElement() throws IOException {
        if (!arrayOpened) {
            int first = in.readNonSpace();
            if (first == -1) {
                done = true;
                return false;
            }
            arrayOpened = true;
            if (first != '[') {
                done = true;
                index++;
                refusedBody = new Item(index, in.line(), Optional.empty(), Optional.of(new ChunkDecodeException(null, null,
                        "a JSON body is an array of chunks and starts with '[', this one starts with '"
                                + (char) first + "'")));
                return false;
            }
        }
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        int b;
        boolean started = false;
        while ((b = in.read()) != -1) {
            if (!started) {
                if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                    continue;
                }
                started = true;
                frame.reset(in.line());
            }
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if ((b == '}' || b == ']') && depth > 0) {
                depth--;
            } else if (depth == 0 && (b == ',' || b == ']')) {
                if (b == ']') {
                    done = true;
                }
                return !frame.isBlank();
            }
            frame.add(b);
        }
        done = true;
        return !frame.isBlank();
    }

    private Item decode() {
        if (frame.tooLong) {
            return error(new ChunkDecodeException(null, null, "the chunk is longer than the limit of "
                    + maxChunkBytes + " bytes"));
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(frame.bytes, 0, frame.size))
                    .toString();
        } catch (CharacterCodingException e) {
            return error(new ChunkDecodeException(null, null, "the chunk is not valid UTF-8"));
        }
        try {
            return new Item(index, frame.line, Optional.of(MastraChunkCodec.decode(json)), Optional.empty());
        } catch (ChunkDecodeException e) {
            return error(e);
        }
    }

    private Item error(ChunkDecodeException e) {
        return new Item(index, frame.line, Optional.empty(), Optional.of(e));
    }

    /** The bytes of one item, kept up to a limit; past it only the fact that it was too long is kept. */
    private static final class Frame {
        private byte[] bytes = new byte[256];
        private int size;
        private int limit;
        private boolean tooLong;
        private long line;

        Frame(int limit) {
            this.limit = limit;
        }

        void reset(long startLine) {
            size = 0;
            tooLong = false;
            line = startLine;
        }

        void add(int b) {
            if (size >= limit) {
                tooLong = true;
                return;
            }
            if (size == bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min((long) bytes.length * 2, Integer.MAX_VALUE - 8));
            }
            bytes[size++] = (byte) b;
        }

        void addAll(Frame other, int from) {
            tooLong |= other.tooLong;
            for (int i = from; i < other.size; i++) {
                add(other.bytes[i]);
            }
        }

        boolean startsWith(String ascii) {
            if (size < ascii.length()) {
                return false;
            }
            for (int i = 0; i < ascii.length(); i++) {
                if (bytes[i] != ascii.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        boolean isBlank() {
            if (tooLong) {
                return false;
            }
            for (int i = 0; i < size; i++) {
                byte b = bytes[i];
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return false;
                }
            }
            return true;
        }
    }

    /** A buffered byte source that counts lines and can peek at its head. */
    private static final class ByteScanner {
        private final InputStream in;
        private final byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;
        private long line = 1;

        ByteScanner(InputStream in) {
            this.in = in;
        }

        long line() {
            return line;
        }

        /** Fills the buffer with up to {@code wanted} bytes from the start; how many there are. */
        int peek(int wanted) {
            try {
                while (limit < wanted) {
                    int read = in.read(buffer, limit, wanted - limit);
                    if (read == -1) {
                        break;
                    }
                    limit += read;
                }
                return limit;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int read() throws IOException {
            if (position == limit) {
                int read = in.read(buffer, 0, buffer.length);
                if (read <= 0) {
                    return read == 0 ? read() : -1;
                }
                position = 0;
                limit = read;
            }
            int b = buffer[position++] & 0xFF;
            if (b == '\n') {
                line++;
            }
            return b;
        }

        int readNonSpace() throws IOException {
            int b;
            boolean bomChecked = line > 1 || position > 0;
            while ((b = read()) != -1) {
                if (!bomChecked && b == 0xEF) {
                    read();
                    read();
                    bomChecked = true;
                    continue;
                }
                bomChecked = true;
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return b;
                }
            }
            return -1;
        }
    }
}
