package dev.runstream.bridge.serde;

import dev.runstream.bridge.registry.RecordNameStrategy;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde of one generated Avro record type in the Confluent wire format: byte 0, the writer schema's
 * registry id, the Avro binary body. The subject follows {@link RecordNameStrategy}; the schema is registered on the
 * first record written. Reading resolves each record's writer schema (fetched once per id) against this type's
 * schema, so records of older and newer compatible schemas are read alike. Thread-safe.
 */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final Class<T> type;
    private final Schema readerSchema;
    private final SchemaRegistryClient registry;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    private final SpecificDatumWriter<T> writer;
    private volatile int writerSchemaId = -1;

    public ConfluentAvroSerde(Class<T> type, Schema schema, SchemaRegistryClient registry) {
        this.type = Objects.requireNonNull(type, "type");
        this.readerSchema = Objects.requireNonNull(schema, "schema");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.writer = new SpecificDatumWriter<>(schema);
    }

    /** The registry id of this type's schema, registering it first if need be. */
    public int schemaId() {
        int id = writerSchemaId;
        if (id < 0) {
            id = registry.register(RecordNameStrategy.subjectFor(readerSchema), readerSchema);
            writerSchemaId = id;
        }
        return id;
    }

    /** The Confluent frame of {@code record}. */
    public byte[] encode(T record) {
        int id = schemaId();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(ConfluentWireFormat.header(id));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The record in a Confluent frame.
     *
     * @throws WireFormatException when the frame is malformed or its body does not decode with its writer schema
     * @throws dev.runstream.bridge.registry.SchemaRegistryException when its schema id cannot be resolved
     */
    public T decode(byte[] frame) {
        ConfluentWireFormat.Frame decoded = ConfluentWireFormat.decode(frame);
        SpecificDatumReader<T> reader = readers.computeIfAbsent(decoded.schemaId(),
                id -> new SpecificDatumReader<>(registry.schemaById(id), readerSchema));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(frame, ConfluentWireFormat.HEADER_SIZE,
                frame.length - ConfluentWireFormat.HEADER_SIZE, null);
        try {
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new WireFormatException("the " + type.getSimpleName() + " record of schema id "
                        + decoded.schemaId() + " is followed by trailing bytes");
            }
            return record;
        } catch (IOException | RuntimeException e) {
            if (e instanceof WireFormatException wire) {
                throw wire;
            }
            throw new WireFormatException("the body does not decode as " + type.getSimpleName()
                    + " with writer schema id " + decoded.schemaId() + ": " + e, e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> record == null ? null : encode(record);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
