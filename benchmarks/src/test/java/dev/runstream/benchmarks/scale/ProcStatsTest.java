package dev.runstream.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

    @Test
    void shouldReadTheResidentSetSizeOfAStatusFileInBytes() {
        String status = """
                Name:\tjava
                VmPeak:\t 9000000 kB
                VmRSS:\t  781234 kB
                RssAnon:\t  700000 kB
                Threads:\t120
                """;

        assertThat(ProcStats.residentBytes(status)).hasValue(781234L * 1024);
        assertThat(ProcStats.residentBytes("Name:\tjava\n")).isEmpty();
    }

    @Test
    void shouldCountTheLinesOfAMapsFile() {
        String maps = "00400000-00401000 r-xp 00000000 08:01 1 /usr/bin/java\n"
                + "7f0000000000-7f0000021000 rw-p 00000000 00:00 0\n";

        assertThat(ProcStats.countLines(maps)).isEqualTo(2);
        assertThat(ProcStats.countLines("")).isZero();
    }

    @Test
    void shouldReadThisProcess() {
        long pid = ProcessHandle.current().pid();
        if (!java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc", Long.toString(pid)))) {
            return; // not Linux
        }
        assertThat(ProcStats.openFiles(pid)).isPositive();
        assertThat(ProcStats.memoryMaps(pid)).isPositive();
        assertThat(ProcStats.residentBytes(pid)).isPositive();
        assertThat(ProcStats.openFiles(Long.MAX_VALUE)).isEqualTo(-1);
    }
}
