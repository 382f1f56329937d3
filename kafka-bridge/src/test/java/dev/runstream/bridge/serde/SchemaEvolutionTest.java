package dev.runstream.bridge.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.avro.RunSummaryMapper;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.registry.RecordNameStrategy;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.json.Json;
import dev.runstream.core.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schema evolution over the wire: the next version of a record (the current one plus a field with a default, the
 * change the compatibility rules allow) is registered beside the current one; records written with either are read
 * with the other — real bytes in the Confluent framing, the writer schema looked up by id, Avro's resolution.
 */
class SchemaEvolutionTest {

    static Stream<SpecificRecord> records() {
        List<StoredChunk> chunks = Corpus.stored(Corpus.chunks("agent-tool", "chunks.ndjson"), 0);
        RunFold.Accumulator fold = RunFold.accumulator(Corpus.RUN_ID);
        chunks.forEach(fold::accept);
        return Stream.concat(chunks.stream().map(ChunkRecordMapper::toRecord),
                Stream.of(RunSummaryMapper.toRecord(fold.summary())));
    }

    @ParameterizedTest
    @MethodSource("records")
    void shouldReadTheNextVersionsRecordsWithTheCurrentReader(SpecificRecord current) throws IOException {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        Schema schema = current.getSchema();
        @SuppressWarnings("unchecked")
        ConfluentAvroSerde<SpecificRecord> serde = new ConfluentAvroSerde<>(
                (Class<SpecificRecord>) current.getClass(), schema, registry);
        Schema next = nextVersion(schema);
        int nextId = registry.register(RecordNameStrategy.subjectFor(next), next);
        GenericRecord written = resolve(serde.encode(current), registry, next);
        written.put("evolvedNote", "written by the next version");

        SpecificRecord read = serde.decode(ConfluentWireFormat.encode(nextId, write(next, written)));

        assertThat(read).isEqualTo(current);
    }

    @ParameterizedTest
    @MethodSource("records")
    void shouldReadTheCurrentVersionsRecordsWithTheNextReader(SpecificRecord current) throws IOException {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        @SuppressWarnings("unchecked")
        ConfluentAvroSerde<SpecificRecord> serde = new ConfluentAvroSerde<>(
                (Class<SpecificRecord>) current.getClass(), current.getSchema(), registry);
        Schema next = nextVersion(current.getSchema());

        byte[] frame = serde.encode(current);

        GenericRecord read = resolve(frame, registry, next);

        assertThat(read.get("evolvedNote")).isNull();
        // Every value of the current version came through: read back into it, the record has the same bytes.
        GenericRecord back = new GenericDatumReader<GenericRecord>(next, current.getSchema())
                .read(null, DecoderFactory.get().binaryDecoder(write(next, read), null));
        assertThat(write(current.getSchema(), back)).isEqualTo(ConfluentWireFormat.decode(frame).bodyBytes());
    }

    /** The current schema with one more field, optional with a default: what the next version may add. */
    private static Schema nextVersion(Schema current) throws IOException {
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(current.toString());
        ObjectNode field = Json.object();
        field.put("name", "evolvedNote");
        field.set("type", Json.MAPPER.readTree("[\"null\",\"string\"]"));
        field.putNull("default");
        ((ArrayNode) json.get("fields")).add(field);
        return new Schema.Parser().parse(json.toString());
    }

    /** Reads a Confluent frame with its writer schema from the registry, into {@code reader}. */
    private static GenericRecord resolve(byte[] frame, InMemorySchemaRegistry registry, Schema reader)
            throws IOException {
        ConfluentWireFormat.Frame decoded = ConfluentWireFormat.decode(frame);
        Schema writer = registry.schemaById(decoded.schemaId());
        return new GenericDatumReader<GenericRecord>(writer, reader)
                .read(null, DecoderFactory.get().binaryDecoder(decoded.bodyBytes(), null));
    }

    private static byte[] write(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

}
