package dev.runstream.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTallyTest {

    @Test
    void shouldCountErrorAndWarnLinesOfSlf4jSimpleAndKeepTheFirstDistinctOnes() {
        LogTally tally = new LogTally(2);
        tally.accept("2026-12-03T13:17:54.231+0000 [main] INFO KRaftStorage - Formatted KRaft storage");
        tally.accept("2026-12-03T13:17:56.948+0000 [quorum-controller-1-event-handler] WARN QuorumController - "
                + "activation");
        tally.accept("2026-12-03T13:17:57.000+0000 [kafka-producer-network-thread | p-1] WARN NetworkClient - gone");
        tally.accept("2026-12-03T13:17:58.000+0000 [main] WARN QuorumController - activation");
        tally.accept("2026-12-03T13:17:59.000+0000 [main] WARN Other - third distinct");
        tally.accept("2026-12-03T13:18:00.000+0000 [Thread-3] ERROR RunAggregator - the store failed");

        assertThat(tally.warnings()).isEqualTo(4);
        assertThat(tally.errors()).isEqualTo(1);
        assertThat(tally.firstWarnings()).containsExactly("QuorumController - activation", "NetworkClient - gone");
        assertThat(tally.firstErrors()).containsExactly("RunAggregator - the store failed");
    }

    @Test
    void shouldNotCountStackTracesOrLinesThatOnlyMentionALevel() {
        LogTally tally = new LogTally(5);
        tally.accept("java.lang.IllegalStateException: ERROR in WARN mode");
        tally.accept("\tat dev.runstream.Foo.bar(Foo.java:1)");
        tally.accept("2026-12-03T13:18:00.000+0000 [main] INFO Foo - saw an ERROR and a WARN");
        tally.accept("Embedded Kafka broker started in 3959 ms");

        assertThat(tally.errors()).isZero();
        assertThat(tally.warnings()).isZero();
    }
}
