package dev.runstream.core;

import java.time.Duration;

/** A point in time that several steps share: each waits at most what is left of it. */
public record Deadline(long nanos) {

    public static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    /** What is left, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, nanos - System.nanoTime()));
    }

    public boolean passed() {
        return nanos - System.nanoTime() <= 0;
    }

    /** Waits a little before the next try; throws when interrupted, restoring the interrupt. */
    public void pause(Duration step) {
        try {
            Thread.sleep(Math.min(step.toMillis(), Math.max(1, remaining().toMillis())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("interrupted while waiting", e);
        }
    }
}
