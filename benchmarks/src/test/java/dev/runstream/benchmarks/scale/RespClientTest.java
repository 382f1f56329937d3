package dev.runstream.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespClientTest {

    @Test
    void shouldEncodeACommandAsAnArrayOfBulkStrings() {
        assertThat(new String(RespClient.encode("XADD", "run:1", "*", "chunk", "é"), StandardCharsets.UTF_8))
                .isEqualTo("*5\r\n$4\r\nXADD\r\n$5\r\nrun:1\r\n$1\r\n*\r\n$5\r\nchunk\r\n$2\r\né\r\n");
    }

    @Test
    void shouldReadNestedRepliesAsXreadGivesThem() throws IOException {
        String reply = "*1\r\n*2\r\n$5\r\nrun:1\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$5\r\nchunk\r\n$2\r\n{}\r\n";

        assertThat(read(reply)).isEqualTo(List.of(List.of("run:1", List.of(List.of("1-0", List.of("chunk", "{}"))))));
        assertThat(read("+PONG\r\n")).isEqualTo("PONG");
        assertThat(read(":42\r\n")).isEqualTo(42L);
        assertThat(read("*-1\r\n")).isNull();
        assertThat(read("$-1\r\n")).isNull();
    }

    @Test
    void shouldThrowTheServersErrorReply() {
        assertThatThrownBy(() -> read("-WRONGTYPE Operation against a key\r\n"))
                .isInstanceOf(RespClient.RedisErrorException.class).hasMessageContaining("WRONGTYPE");
    }

    private static Object read(String reply) throws IOException {
        return RespClient.read(new ByteArrayInputStream(reply.getBytes(StandardCharsets.UTF_8)));
    }
}
