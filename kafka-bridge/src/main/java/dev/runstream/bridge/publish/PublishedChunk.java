package dev.runstream.bridge.publish;

/**
 * What became of a chunk handed to {@link KafkaRunPublisher}: its sequence number in its run, and whether it was
 * already stored (a writer's retry of a chunk whose position it gave), in which case nothing was written again.
 */
public record PublishedChunk(String runId, long sequence, boolean duplicate) {
}
