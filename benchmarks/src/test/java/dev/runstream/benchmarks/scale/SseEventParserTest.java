package dev.runstream.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventParserTest {

    @Test
    void shouldPairEachChunkWithTheIdBlockAfterItAndTheTimeOfItsDataLine() {
        List<SseEventParser.Event> events = new ArrayList<>();
        SseEventParser parser = new SseEventParser(events::add);
        String[] lines = {": run r (live)", "", "data: {\"type\":\"start\"}", "", "id: 0", "", ": heartbeat", "",
            "data: {\"type\":\"finish\"}", "", "id: 1", ""};
        for (int i = 0; i < lines.length; i++) {
            parser.line(lines[i], 100 + i);
        }

        assertThat(events).containsExactly(new SseEventParser.Event("{\"type\":\"start\"}", 0, false, 102),
                new SseEventParser.Event("{\"type\":\"finish\"}", 1, false, 108));
    }

    @Test
    void shouldHandOnAnErrorEventAsAnError() {
        List<SseEventParser.Event> events = new ArrayList<>();
        SseEventParser parser = new SseEventParser(events::add);
        parser.line("event: error", 1);
        parser.line("data: {\"code\":\"reader_too_slow\"}", 2);
        parser.line("", 3);
        parser.line("data: {\"type\":\"x\"}", 4);
        parser.line("", 5);
        parser.line("id: 7", 6);

        assertThat(events).extracting(SseEventParser.Event::error).containsExactly(true, false);
        assertThat(events.get(1).id()).isEqualTo(7);
    }
}
