package dev.runstream.bridge.aggregate.internal;

import dev.runstream.bridge.wire.ChunkKey;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions the records of {@code prefix.chunks} by their run id alone, whatever sequence their key
 * ({@link ChunkKey}) holds: a run's chunks, its erase marker and its chunk tombstones all land in the partition
 * that a record keyed by the bare run id would, so the run's summary stays where {@code queryMetadataForKey(store,
 * runId)} looks for it and no repartition is needed to aggregate by run.
 */
public final class RunIdPartitioner<V> implements StreamPartitioner<String, V> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
        return Optional.of(Set.of(ChunkKey.partitionOf(ChunkKey.runIdOf(key), numPartitions)));
    }
}
