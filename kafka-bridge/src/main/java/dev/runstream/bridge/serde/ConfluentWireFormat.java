package dev.runstream.bridge.serde;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The Confluent Schema Registry wire format, as Confluent's {@code KafkaAvroSerializer} writes it and any
 * Confluent-compatible deserializer reads it:
 *
 * <pre>
 * byte 0      magic byte 0x00
 * bytes 1..4  schema id, 32-bit big-endian
 * bytes 5..   Avro binary encoding of the datum (no container header)
 * </pre>
 */
public final class ConfluentWireFormat {

    public static final byte MAGIC_BYTE = 0x00;
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {
    }

    /** A decoded frame: the writer schema's id, and a read-only view of the Avro body (not copied). */
    public record Frame(int schemaId, ByteBuffer body) {

        public Frame {
            Objects.requireNonNull(body, "body");
        }

        /** The body as a new array. */
        public byte[] bodyBytes() {
            byte[] bytes = new byte[body.remaining()];
            body.duplicate().get(bytes);
            return bytes;
        }
    }

    /**
     * Frames an Avro binary body with its schema id.
     *
     * @throws IllegalArgumentException if {@code schemaId} is negative
     */
    public static byte[] encode(int schemaId, byte[] avroBody) {
        Objects.requireNonNull(avroBody, "avroBody");
        requireValidId(schemaId);
        return ByteBuffer.allocate(HEADER_SIZE + avroBody.length)
            .put(MAGIC_BYTE)
            .putInt(schemaId)
            .put(avroBody)
            .array();
    }

    /** The 5-byte header alone, for writers that stream the Avro body after it. */
    public static byte[] header(int schemaId) {
        requireValidId(schemaId);
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
    }

    /**
     * Splits a frame into schema id and body.
     *
     * @throws WireFormatException if {@code frame} is null, shorter than the header, does not start with
     *     the magic byte, or carries a negative schema id
     */
    public static Frame decode(byte[] frame) {
        if (frame == null) {
            throw new WireFormatException("Cannot decode a Confluent wire-format frame from null (a tombstone?)");
        }
        return decode(ByteBuffer.wrap(frame));
    }

    /**
     * Splits the remaining bytes of {@code frame} into schema id and body; the buffer's position is not moved.
     *
     * @throws WireFormatException as {@link #decode(byte[])}
     */
    public static Frame decode(ByteBuffer frame) {
        if (frame == null) {
            throw new WireFormatException("Cannot decode a Confluent wire-format frame from null (a tombstone?)");
        }
        ByteBuffer in = frame.duplicate();
        int length = in.remaining();
        if (length == 0) {
            throw new WireFormatException("Cannot decode a Confluent wire-format frame from 0 bytes: expected at least "
                + HEADER_SIZE + " (magic byte 0x00 and a 4-byte schema id)");
        }
        byte magic = in.get();
        if (magic != MAGIC_BYTE) {
            throw new WireFormatException(String.format(
                "Unknown magic byte 0x%02x at the start of a %d-byte value: expected 0x00 (Confluent wire format);"
                    + " the value was not written by a schema-registry serializer", magic & 0xff, length));
        }
        if (length < HEADER_SIZE) {
            throw new WireFormatException("Confluent wire-format frame too short: " + length + " bytes, expected at least "
                + HEADER_SIZE + " (magic byte 0x00 and a 4-byte schema id)");
        }
        int schemaId = in.getInt();
        if (schemaId < 0) {
            throw new WireFormatException("Confluent wire-format frame carries a negative schema id: " + schemaId);
        }
        return new Frame(schemaId, in.slice().asReadOnlyBuffer());
    }

    private static void requireValidId(int schemaId) {
        if (schemaId < 0) {
            throw new IllegalArgumentException("Schema id must not be negative: " + schemaId);
        }
    }
}
