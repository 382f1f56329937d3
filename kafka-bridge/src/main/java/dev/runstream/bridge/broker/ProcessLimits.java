package dev.runstream.bridge.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * What this process may hold and holds now, as Linux tells it: open files ({@code /proc/self/limits},
 * {@code /proc/self/fd}) and memory maps ({@code /proc/sys/vm/max_map_count}, {@code /proc/self/maps}). An embedded
 * Kafka broker holds an open file and two maps for each partition (for each segment of it, in fact), so these are
 * the limits a topic per run runs into first. Empty values where the system does not tell (not Linux).
 */
public record ProcessLimits(OptionalLong maxOpenFiles, OptionalLong openFiles, OptionalLong maxMaps,
        OptionalLong maps) {

    private static final Path PROC = Path.of("/proc");

    /** The limits and counts of this process now. */
    public static ProcessLimits read() {
        return read(PROC);
    }

    /** The limits and counts under {@code proc} (a {@code /proc} tree; for tests). */
    static ProcessLimits read(Path proc) {
        return new ProcessLimits(maxOpenFiles(proc.resolve("self/limits")), count(proc.resolve("self/fd")),
                number(proc.resolve("sys/vm/max_map_count")), lines(proc.resolve("self/maps")));
    }

    /** The soft limit of the {@code Max open files} line of a {@code limits} file. */
    static OptionalLong maxOpenFiles(Path limits) {
        try {
            for (String line : Files.readAllLines(limits)) {
                if (line.startsWith("Max open files")) {
                    String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                    return fields[0].equals("unlimited") ? OptionalLong.of(Long.MAX_VALUE)
                            : OptionalLong.of(Long.parseLong(fields[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not told
        }
        return OptionalLong.empty();
    }

    private static OptionalLong count(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return OptionalLong.of(entries.count());
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong number(Path file) {
        try {
            // Read by line: procfs files report a size of 0, so a read sized by the file's length is not reliable.
            try (var reader = Files.newBufferedReader(file)) {
                return OptionalLong.of(Long.parseLong(reader.readLine().trim()));
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return OptionalLong.of(lines.count());
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Why this process cannot take {@code more} open files and twice as many maps on top of what it holds and still
     * keep {@code headroom} (a fraction, e.g. 0.1) of each limit free; empty when it can (or cannot tell).
     */
    public java.util.Optional<String> shortOf(long more, double headroom) {
        List<String> short_ = new java.util.ArrayList<>();
        if (maxOpenFiles.isPresent() && openFiles.isPresent()) {
            long cap = (long) (maxOpenFiles.getAsLong() * (1 - headroom));
            if (openFiles.getAsLong() + more > cap) {
                short_.add(openFiles.getAsLong() + " of " + maxOpenFiles.getAsLong() + " open files in use");
            }
        }
        if (maxMaps.isPresent() && maps.isPresent()) {
            long cap = (long) (maxMaps.getAsLong() * (1 - headroom));
            if (maps.getAsLong() + 2 * more > cap) {
                short_.add(maps.getAsLong() + " of " + maxMaps.getAsLong() + " memory maps in use");
            }
        }
        return short_.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join(", ", short_));
    }
}
