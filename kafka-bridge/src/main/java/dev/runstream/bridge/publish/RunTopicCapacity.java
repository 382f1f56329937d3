package dev.runstream.bridge.publish;

import dev.runstream.bridge.broker.ProcessLimits;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether new run topics may be created now. {@code serve} refuses new runs, with a clear error, before its process
 * (which holds the embedded broker: an open file and two memory maps per partition) runs out of open files or maps,
 * rather than letting the broker fail its log directory and stop.
 */
@FunctionalInterface
public interface RunTopicCapacity {

    /** No limit is checked. */
    RunTopicCapacity UNCHECKED = newTopics -> Optional.empty();

    /** Why {@code newTopics} more topics cannot be created now; empty when they can. */
    Optional<String> refusal(int newTopics);

    /**
     * The limits of this process, read at most once a second, keeping {@code headroom} (a fraction) of each free.
     */
    static RunTopicCapacity ofProcess(double headroom) {
        return ofProcess(ProcessLimits::read, headroom);
    }

    static RunTopicCapacity ofProcess(Supplier<ProcessLimits> limits, double headroom) {
        return new RunTopicCapacity() {
            private ProcessLimits last;
            private long readAt;
            private long createdSince;

            @Override
            public synchronized Optional<String> refusal(int newTopics) {
                long now = System.nanoTime();
                if (last == null || now - readAt > 1_000_000_000L) {
                    last = limits.get();
                    readAt = now;
                    createdSince = 0;
                }
                Optional<String> shortOf = last.shortOf(createdSince + newTopics, headroom);
                if (shortOf.isEmpty()) {
                    createdSince += newTopics;
                }
                return shortOf.map(what -> "new runs are refused while the process is near its limits (" + what
                        + "; an embedded broker holds an open file and two maps per partition): runs that ended "
                        + "lose their topics after run.topic.delete.after.ms; retry later");
            }
        };
    }
}
