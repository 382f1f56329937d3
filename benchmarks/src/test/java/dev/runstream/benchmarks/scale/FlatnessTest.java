package dev.runstream.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlatnessTest {

    @Test
    void shouldCallASeriesFlatWhenItsLastThirdStaysUnderItsMiddleThird() {
        Flatness flat = Flatness.of(List.of(100, 400, 500, 510, 505, 500, 508, 509, 502), 0.1, 0);

        assertThat(flat.flat()).isTrue();
        assertThat(flat.middleMax()).isEqualTo(510);
        assertThat(flat.lastMax()).isEqualTo(509);
    }

    @Test
    void shouldCallAGrowingSeriesGrowingAndLeaveUnreadableSamplesOut() {
        Flatness growing = Flatness.of(List.of(100L, -1L, 200L, 300L, 400L, 500L, 600L, 700L, 800L, 900L), 0.1, 20);

        assertThat(growing.samples()).isEqualTo(9);
        assertThat(growing.flat()).isFalse();
    }

    @Test
    void shouldNotJudgeFewerThanThreeSamples() {
        assertThat(Flatness.of(List.of(1, 1000), 0, 0).flat()).isTrue();
    }
}
