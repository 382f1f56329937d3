package dev.runstream.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PoissonScheduleTest {

    @Test
    void shouldArriveAtTheRateOnAverageWithExponentialGaps() {
        PoissonSchedule schedule = new PoissonSchedule(200, 7);
        int n = 200_000;
        long previous = 0;
        long last = 0;
        int shorterThanMean = 0;
        for (int i = 0; i < n; i++) {
            last = schedule.nextArrivalNanos();
            assertThat(last).isGreaterThanOrEqualTo(previous);
            if (last - previous < 5_000_000) {
                shorterThanMean++;
            }
            previous = last;
        }
        // Mean gap 1/200 s = 5 ms; an exponential gap is shorter than its mean with probability 1 - 1/e.
        assertThat(last / (double) n).isCloseTo(5_000_000, within(50_000.0));
        assertThat(shorterThanMean / (double) n).isCloseTo(1 - Math.exp(-1), within(0.01));
    }

    @Test
    void shouldGiveTheSameScheduleForTheSameSeed() {
        PoissonSchedule a = new PoissonSchedule(20, 42);
        PoissonSchedule b = new PoissonSchedule(20, 42);
        for (int i = 0; i < 100; i++) {
            assertThat(a.nextArrivalNanos()).isEqualTo(b.nextArrivalNanos());
        }
    }

    @Test
    void shouldRefuseARateThatIsNotPositive() {
        assertThatThrownBy(() -> new PoissonSchedule(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rate");
    }
}
