package dev.runstream.benchmarks.scale;

import java.util.function.Consumer;

/**
 * Server-sent events of the Mastra format as the bridge writes them, fed line by line: a chunk's {@code data:} block,
 * then an {@code id:} block of its own. Each chunk is handed on with its id once the id arrives, with the time its
 * data line arrived; an {@code event: error} block is handed on as an error. Comments ({@code :}) are skipped.
 */
public final class SseEventParser {

    /** One chunk or error of the stream. */
    public record Event(String data, long id, boolean error, long dataNanos) {
    }

    private final Consumer<Event> sink;
    private String pendingData;
    private long pendingNanos;
    private boolean inError;

    public SseEventParser(Consumer<Event> sink) {
        this.sink = sink;
    }

    /** One line without its line end, received at {@code nanos}. */
    public void line(String line, long nanos) {
        if (line.startsWith("event: error")) {
            inError = true;
        } else if (line.startsWith("data: ") || line.startsWith("data:")) {
            String data = line.substring(line.startsWith("data: ") ? 6 : 5);
            if (inError) {
                sink.accept(new Event(data, -1, true, nanos));
            } else {
                pendingData = data;
                pendingNanos = nanos;
            }
        } else if (line.startsWith("id:")) {
            long id = Long.parseLong(line.substring(3).trim());
            if (pendingData != null) {
                sink.accept(new Event(pendingData, id, false, pendingNanos));
                pendingData = null;
            }
        } else if (line.isEmpty()) {
            inError = false;
        }
    }
}
