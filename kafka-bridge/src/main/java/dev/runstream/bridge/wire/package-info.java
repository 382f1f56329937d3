/**
 * What Runstream's records look like on Kafka, for every reader and writer: topic names ({@link
 * dev.runstream.bridge.wire.RunTopics}), record keys ({@link dev.runstream.bridge.wire.ChunkKey}) and headers ({@link
 * dev.runstream.bridge.wire.RunstreamHeaders}). Values are Avro in the Confluent wire format
 * ({@code dev.runstream.bridge.serde}).
 */
package dev.runstream.bridge.wire;
