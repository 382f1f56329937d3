package dev.runstream.bridge.lifecycle.internal;

/**
 * A run topic as the eraser finds it.
 *
 * @param exists     whether the topic exists
 * @param hasRecords whether its partition holds records (its start offset is below its end); a topic emptied by an
 *                   earlier erase in the pattern mode exists but holds none
 */
public record RunTopicState(boolean exists, boolean hasRecords) {
}
