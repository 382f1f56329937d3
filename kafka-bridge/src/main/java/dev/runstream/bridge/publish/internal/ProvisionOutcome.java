package dev.runstream.bridge.publish.internal;

/** What provisioning a run came to: the sequence number its next chunk gets, or why it cannot be written now. */
public sealed interface ProvisionOutcome {

    /** The run's topic is there and its next chunk is number {@code next}. */
    record Numbered(long next) implements ProvisionOutcome {
    }

    /** The run cannot be written now: its writer resumes it later. */
    record Refused(RuntimeException error) implements ProvisionOutcome {
    }
}
