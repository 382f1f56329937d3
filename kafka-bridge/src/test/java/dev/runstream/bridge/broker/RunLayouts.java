package dev.runstream.bridge.broker;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.wire.RunTopics;

/**
 * The run layouts the integration suites run under ({@code @ParameterizedClass @ValueSource(strings = {
 * RunLayouts.TOPIC_PER_RUN, RunLayouts.SHARED})}): the same tests, each layout on its own prefix.
 */
public final class RunLayouts {

    public static final String TOPIC_PER_RUN = RunstreamConfig.RUN_LAYOUT_TOPIC_PER_RUN;
    public static final String SHARED = RunstreamConfig.RUN_LAYOUT_SHARED;

    private RunLayouts() {
    }

    /** {@code prefix} for the default layout, {@code prefix-shared} for the shared one. */
    public static String prefix(String prefix, String layout) {
        return SHARED.equals(layout) ? prefix + "-shared" : prefix;
    }

    /** The topic a run's chunks are written to under {@code layout}. */
    public static String logTopic(RunTopics topics, String layout, String runId) {
        return SHARED.equals(layout) ? topics.runs() : topics.runTopic(runId);
    }
}
