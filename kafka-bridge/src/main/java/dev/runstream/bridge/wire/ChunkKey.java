package dev.runstream.bridge.wire;

import dev.runstream.core.RunIds;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.utils.Utils;

/**
 * The key of a chunk in {@code prefix.chunks}: {@code <runId>/<sequence>}, one key per chunk, so that a compacted
 * topic keeps every chunk and a tombstone per key erases one run's chunks and nothing else. A run id never holds
 * {@code /} ({@link RunIds}), so the key splits unambiguously. Records are still partitioned by the run id alone
 * ({@link #partitionOf}), so one run's chunks stay in order in one partition, the one that also holds its summary.
 *
 * @param runId    a valid run id
 * @param sequence the chunk's position in its run, {@code >= 0}
 */
public record ChunkKey(String runId, long sequence) {

    public static final char SEPARATOR = '/';

    public ChunkKey {
        RunIds.requireValid(runId);
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be >= 0, was " + sequence);
        }
    }

    /** {@code <runId>/<sequence>}. */
    @Override
    public String toString() {
        return runId + SEPARATOR + sequence;
    }

    /** The chunk key that {@code key} spells in its one canonical form (no leading zero), if it is one. */
    public static Optional<ChunkKey> parse(String key) {
        int slash = key == null ? -1 : key.indexOf(SEPARATOR);
        if (slash < 0) {
            return Optional.empty();
        }
        String runId = key.substring(0, slash);
        String sequence = key.substring(slash + 1);
        if (!RunIds.isValid(runId) || sequence.isEmpty() || sequence.length() > 19
                || !sequence.chars().allMatch(c -> c >= '0' && c <= '9')
                || sequence.length() > 1 && sequence.charAt(0) == '0') {
            return Optional.empty();
        }
        try {
            return Optional.of(new ChunkKey(runId, Long.parseLong(sequence)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The run a key of {@code prefix.chunks} belongs to: the part before {@code /}, or the whole key. */
    public static String runIdOf(String key) {
        int slash = key.indexOf(SEPARATOR);
        return slash < 0 ? key : key.substring(0, slash);
    }

    /**
     * The partition that holds {@code runId}'s records in a topic of {@code partitions} partitions: Kafka's default
     * partitioner on the run id's UTF-8 bytes ({@code toPositive(murmur2(bytes)) % partitions}), which is where a
     * record keyed by the run id lands in {@code prefix.run-summaries} and {@code prefix.ingest}, and where Kafka
     * Streams looks for the run's summary ({@code queryMetadataForKey}).
     */
    public static int partitionOf(String runId, int partitions) {
        return Utils.toPositive(Utils.murmur2(runId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
