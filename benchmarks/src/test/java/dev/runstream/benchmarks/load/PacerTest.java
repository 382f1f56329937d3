package dev.runstream.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PacerTest {

    @Test
    void shouldSendEveryRunsChunksInTurnAtTheirScheduledTimes() {
        List<int[]> sends = new ArrayList<>();
        List<Long> scheduled = new ArrayList<>();
        long start = System.nanoTime();

        Pacer.Outcome outcome = Pacer.run(3, 100, Duration.ofMillis(50), start, (run, k, at) -> {
            sends.add(new int[] {run, k});
            scheduled.add(at);
        });

        assertThat(outcome.sends()).isEqualTo(15);
        assertThat(sends).extracting(send -> send[0]).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2);
        assertThat(sends).extracting(send -> send[1]).containsExactly(1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5);
        assertThat(scheduled).isSorted().first().isEqualTo(start);
        assertThat(scheduled.get(3) - scheduled.get(0)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(outcome.seconds()).isGreaterThanOrEqualTo(0.04);
    }

    @Test
    void shouldCountTheChunksOfARun() {
        assertThat(Pacer.chunksPerRun(20, Duration.ofSeconds(50))).isEqualTo(1000);
        assertThat(Pacer.chunksPerRun(2, Duration.ofMillis(2500))).isEqualTo(5);
    }

    @Test
    void shouldRecordLatenciesOnlyAfterTheWarmUpAndSeeEveryReaderThrough() throws InterruptedException {
        LiveRecorder recorder = new LiveRecorder(2, 2, 4);
        recorder.measureFrom(1_000);
        recorder.scheduled(0, 1, 500);
        recorder.scheduled(1, 1, 500);
        recorder.scheduled(0, 2, System.nanoTime());
        recorder.scheduled(1, 2, System.nanoTime());
        for (int reader = 0; reader < 4; reader++) {
            recorder.received(reader);
        }
        assertThat(recorder.awaitReady(0, TimeUnit.SECONDS)).isTrue();
        for (int reader = 0; reader < 3; reader++) {
            recorder.received(reader);
            recorder.received(reader);
        }

        assertThat(recorder.latencies().count()).isEqualTo(3);
        assertThat(recorder.unfinishedReaders()).isEqualTo(1);
        recorder.received(3);
        recorder.received(3);
        assertThat(recorder.awaitFinished(0, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.latencies().count()).isEqualTo(4);
    }
}
