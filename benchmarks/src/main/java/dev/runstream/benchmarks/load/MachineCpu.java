package dev.runstream.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU use of the whole machine (every process, from {@code /proc/stat}) and of this JVM, between two snapshots: to
 * tell whether a latency was measured on a saturated machine. Off Linux the machine's share is unknown (-1).
 */
public record MachineCpu(long busyTicks, long totalTicks, long processNanos, long atNanos) {

    private static final Path STAT = Path.of("/proc/stat");

    public static MachineCpu now() {
        long busy = -1;
        long total = -1;
        try {
            String[] fields = Files.readAllLines(STAT).get(0).trim().split("\\s+");
            total = 0;
            for (int i = 1; i < fields.length; i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + (fields.length > 5 ? Long.parseLong(fields[5]) : 0);
            busy = total - idle;
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        long process = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        return new MachineCpu(busy, total, process, System.nanoTime());
    }

    /** The share (0–1) of every core that was busy since {@code earlier}, for all processes; -1 when unknown. */
    public double machineBusySince(MachineCpu earlier) {
        long total = totalTicks - earlier.totalTicks;
        return busyTicks < 0 || total <= 0 ? -1 : (double) (busyTicks - earlier.busyTicks) / total;
    }

    /** Cores this JVM used on average since {@code earlier}. */
    public double processCoresSince(MachineCpu earlier) {
        return (double) (processNanos - earlier.processNanos) / (atNanos - earlier.atNanos);
    }
}
