package dev.runstream.bridge.serde;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfluentWireFormatTest {

    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "id {0}, body {1} -> {2}")
    @CsvSource({
        "1,          0a0b,   00000000010a0b",
        "0,          '',     0000000000",
        "256,        ff,     0000000100ff",
        "16909060,   02,     000102030402",
        "2147483647, 00,     007fffffff00",
    })
    void shouldEncodeToGoldenBytesAndDecodeBack(int schemaId, String bodyHex, String frameHex) {
        byte[] body = HEX.parseHex(bodyHex);

        byte[] frame = ConfluentWireFormat.encode(schemaId, body);

        assertThat(HEX.formatHex(frame)).isEqualTo(frameHex);
        ConfluentWireFormat.Frame decoded = ConfluentWireFormat.decode(HEX.parseHex(frameHex));
        assertThat(decoded.schemaId()).isEqualTo(schemaId);
        assertThat(decoded.bodyBytes()).isEqualTo(body);
        assertThat(HEX.formatHex(ConfluentWireFormat.header(schemaId))).isEqualTo(frameHex.substring(0, 10));
    }

    @Test
    void shouldFrameAvroBinaryThatAGenericReaderDecodes() throws IOException {
        Schema schema = SchemaBuilder.record("Ping").namespace("dev.runstream.test").fields()
            .requiredString("runId").requiredLong("seq").endRecord();
        GenericRecord record = new GenericData.Record(schema);
        record.put("runId", "r1");
        record.put("seq", 3L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();

        byte[] frame = ConfluentWireFormat.encode(42, out.toByteArray());

        // 0x00, id 42, then Avro: string "r1" = zigzag(2) 0x04 'r' '1', long 3 = zigzag 0x06
        assertThat(HEX.formatHex(frame)).isEqualTo("000000002a" + "047231" + "06");
        ConfluentWireFormat.Frame decoded = ConfluentWireFormat.decode(frame);
        GenericRecord read = new GenericDatumReader<GenericRecord>(schema)
            .read(null, DecoderFactory.get().binaryDecoder(decoded.bodyBytes(), null));
        assertThat(read).isEqualTo(record);
    }

    @Test
    void shouldDecodeTheRemainingBytesOfABufferWithoutMovingIt() {
        ByteBuffer buffer = ByteBuffer.wrap(HEX.parseHex("ffff" + "0000000007" + "abcd"));
        buffer.position(2);

        ConfluentWireFormat.Frame frame = ConfluentWireFormat.decode(buffer);

        assertThat(frame.schemaId()).isEqualTo(7);
        assertThat(frame.body().isReadOnly()).isTrue();
        assertThat(HEX.formatHex(frame.bodyBytes())).isEqualTo("abcd");
        assertThat(buffer.position()).isEqualTo(2);
    }

    @Test
    void shouldRefuseNullAndEmptyInput() {
        assertThatThrownBy(() -> ConfluentWireFormat.decode((byte[]) null))
            .isInstanceOf(WireFormatException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> ConfluentWireFormat.decode((ByteBuffer) null))
            .isInstanceOf(WireFormatException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> ConfluentWireFormat.decode(new byte[0]))
            .isInstanceOf(WireFormatException.class).hasMessageContaining("0 bytes");
    }

    @Test
    void shouldRefuseAFrameShorterThanTheHeader() {
        assertThatThrownBy(() -> ConfluentWireFormat.decode(HEX.parseHex("00000001")))
            .isInstanceOf(WireFormatException.class)
            .hasMessageContaining("too short: 4 bytes");
    }

    @ParameterizedTest
    @CsvSource({"7b2274797065223a7d, 0x7b", "01000000010a, 0x01", "ff, 0xff"})
    void shouldNameTheWrongMagicByteItSaw(String frameHex, String expected) {
        assertThatThrownBy(() -> ConfluentWireFormat.decode(HEX.parseHex(frameHex)))
            .isInstanceOf(WireFormatException.class)
            .hasMessageContaining("Unknown magic byte " + expected)
            .hasMessageContaining("expected 0x00");
    }

    @Test
    void shouldRefuseNegativeSchemaIds() {
        assertThatThrownBy(() -> ConfluentWireFormat.decode(HEX.parseHex("00ffffffff")))
            .isInstanceOf(WireFormatException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> ConfluentWireFormat.encode(-5, new byte[0]))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
    }
}
