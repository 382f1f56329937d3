package dev.runstream.benchmarks.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;

/** What Linux's {@code /proc/<pid>} tells of a process: open files, memory maps, resident memory. */
public final class ProcStats {

    private ProcStats() {
    }

    /** Open file descriptors ({@code /proc/<pid>/fd} entries), or -1 when unreadable. */
    public static long openFiles(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException | SecurityException e) {
            return -1;
        }
    }

    /** Memory maps ({@code /proc/<pid>/maps} lines), or -1 when unreadable. */
    public static long memoryMaps(long pid) {
        try {
            return countLines(Files.readString(Path.of("/proc", Long.toString(pid), "maps")));
        } catch (IOException | SecurityException e) {
            return -1;
        }
    }

    /** Resident set size in bytes ({@code VmRSS} of {@code /proc/<pid>/status}), or -1 when unreadable. */
    public static long residentBytes(long pid) {
        try {
            return residentBytes(Files.readString(Path.of("/proc", Long.toString(pid), "status"))).orElse(-1);
        } catch (IOException | SecurityException e) {
            return -1;
        }
    }

    /** {@code VmRSS} of a {@code status} file's text, in bytes. */
    public static OptionalLong residentBytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                long value = Long.parseLong(parts[0]);
                return OptionalLong.of(parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value);
            }
        }
        return OptionalLong.empty();
    }

    /** The non-empty lines of a text. */
    public static long countLines(String text) {
        return text.lines().filter(line -> !line.isEmpty()).count();
    }
}
