package dev.runstream.bridge.wire;

import dev.runstream.core.RunIds;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names of Runstream's topics under one prefix (README, "Topics and records"). The prefix and every run id are validated
 * before they reach a topic name, and the pattern of run topics quotes the prefix, so no id or prefix can reach
 * another run's topic or widen the pattern.
 */
public final class RunTopics {

    /** Topic names allow {@code [A-Za-z0-9._-]}; a prefix leaves room for {@code .run.} and a run id. */
    public static final int MAX_PREFIX_LENGTH = 100;

    private static final String RUN_ID_CHARS = "[A-Za-z0-9._-]{1," + RunIds.MAX_LENGTH + "}";

    private final String prefix;
    private final String runTopicPrefix;
    private final Pattern runTopicPattern;

    public RunTopics(String prefix) {
        this.prefix = requireValidPrefix(prefix);
        this.runTopicPrefix = prefix + ".run.";
        this.runTopicPattern = Pattern.compile(Pattern.quote(runTopicPrefix) + RUN_ID_CHARS);
    }

    /**
     * Returns the prefix when valid, else throws {@link IllegalArgumentException} saying why. Besides the characters
     * of a topic name, a prefix may not have {@code run} as a dot-separated segment after its first: every topic of
     * prefix {@code a.run.b} ({@code a.run.b.run.x}, {@code a.run.b.chunks}) is a run topic of prefix {@code a}.
     */
    public static String requireValidPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || prefix.length() > MAX_PREFIX_LENGTH) {
            throw new IllegalArgumentException("topic prefix must have 1 to " + MAX_PREFIX_LENGTH
                    + " characters, has " + prefix.length());
        }
        if (!prefix.matches("[A-Za-z0-9._-]+") || prefix.equals(".") || prefix.equals("..")) {
            throw new IllegalArgumentException("topic prefix '" + prefix + "' may only hold [A-Za-z0-9._-]");
        }
        if (prefix.matches(".+\\.run(\\..*)?")) {
            throw new IllegalArgumentException("topic prefix '" + prefix + "' has 'run' as a segment after its first: "
                    + "its topics would be run topics of the prefix before '.run', whose aggregator and readers would "
                    + "read them");
        }
        return prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** {@code prefix.run.<runId>}: every chunk of one run, in order, one partition. */
    public String runTopic(String runId) {
        return runTopicPrefix + RunIds.requireValid(runId);
    }

    /**
     * A run topic of Runstream's own, named by a reserved id (starting with {@link RunIds#RESERVED_PREFIX}), which
     * no user run can have: it matches the run-topic pattern but is never written by a publisher.
     */
    public String reservedRunTopic(String reservedId) {
        if (!reservedId.startsWith(RunIds.RESERVED_PREFIX) || !reservedId.matches(RUN_ID_CHARS)) {
            throw new IllegalArgumentException("'" + reservedId + "' is not a reserved run id");
        }
        return runTopicPrefix + reservedId;
    }

    /** The run id of a run topic's name, if it is one of this prefix's run topics. */
    public Optional<String> runIdOf(String topic) {
        return runTopicPattern.matcher(topic).matches()
                ? Optional.of(topic.substring(runTopicPrefix.length())) : Optional.empty();
    }

    /** Matches this prefix's run topics and nothing else (the prefix is quoted). */
    public Pattern runTopicPattern() {
        return runTopicPattern;
    }

    /** {@code prefix.chunks}: the persisted changelog, every non-transient chunk, partitioned by run id. */
    public String chunks() {
        return prefix + ".chunks";
    }

    /** {@code prefix.run-summaries}: compacted, one summary per run. */
    public String runSummaries() {
        return prefix + ".run-summaries";
    }

    /** {@code prefix.dead-letters}: what could not be decoded or accepted, the reason in headers. */
    public String deadLetters() {
        return prefix + ".dead-letters";
    }

    /** {@code prefix.ingest}: the shared many-partition topic of the ingest source mode. */
    public String ingest() {
        return prefix + ".ingest";
    }

    /**
     * {@code prefix.runs}: every chunk of every run in the shared layout ({@code run.layout=shared}), keyed and
     * partitioned by run id as {@link #chunks()} is, so that a run's chunks stay in order in one partition.
     */
    public String runs() {
        return prefix + ".runs";
    }

    /**
     * {@code prefix.run-control}: requests to runs' writers (cancel), keyed by run id, partitioned as
     * {@link #chunks()} so that the aggregator reads a run's requests in the task that holds its summary.
     */
    public String runControl() {
        return prefix + ".run-control";
    }

    /** {@code prefix._schemas}: the embedded schema registry's compacted topic. */
    public String schemas() {
        return prefix + "._schemas";
    }

    /** The state store (and Streams application id suffix) of run summaries. */
    public String summaryStore() {
        return "run-summaries";
    }
}
