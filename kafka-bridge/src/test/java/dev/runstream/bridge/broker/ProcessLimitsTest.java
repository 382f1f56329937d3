package dev.runstream.bridge.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLimitsTest {

    @TempDir
    Path proc;

    private void write(String file, String text) throws IOException {
        Path path = proc.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    @Test
    void shouldReadTheSoftOpenFileLimitTheOpenFilesAndTheMaps() throws IOException {
        write("self/limits", "Limit                     Soft Limit           Hard Limit           Units     \n"
                + "Max cpu time              unlimited            unlimited            seconds   \n"
                + "Max open files            20000                40000                files     \n");
        Files.createDirectories(proc.resolve("self/fd"));
        for (int i = 0; i < 7; i++) {
            Files.writeString(proc.resolve("self/fd/" + i), "");
        }
        write("sys/vm/max_map_count", "65530\n");
        write("self/maps", "a\nb\nc\n");

        ProcessLimits limits = ProcessLimits.read(proc);

        assertThat(limits.maxOpenFiles()).hasValue(20_000);
        assertThat(limits.openFiles()).hasValue(7);
        assertThat(limits.maxMaps()).hasValue(65_530);
        assertThat(limits.maps()).hasValue(3);
    }

    @Test
    void shouldSayWhatIsShortWhenNewPartitionsWouldPassTheHeadroom() {
        ProcessLimits limits = new ProcessLimits(OptionalLong.of(1000), OptionalLong.of(850), OptionalLong.of(10_000),
                OptionalLong.of(1000));
        assertThat(limits.shortOf(10, 0.1)).isEmpty();
        assertThat(limits.shortOf(60, 0.1)).hasValueSatisfying(why -> assertThat(why).contains("850 of 1000 open files"));
        ProcessLimits maps = new ProcessLimits(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.of(100),
                OptionalLong.of(80));
        assertThat(maps.shortOf(5, 0.1)).isEmpty();
        assertThat(maps.shortOf(6, 0.1)).hasValueSatisfying(why -> assertThat(why).contains("80 of 100 memory maps"));
    }

    @Test
    void shouldTellNothingWhereTheSystemDoesNot() {
        ProcessLimits none = ProcessLimits.read(proc);
        assertThat(none.maxOpenFiles()).isEmpty();
        assertThat(none.shortOf(1_000_000, 0.1)).isEmpty();
    }
}
