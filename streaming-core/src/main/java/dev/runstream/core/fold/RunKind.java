package dev.runstream.core.fold;

import java.util.Locale;

/** What produced a run: an agent ({@code Agent.stream()}), a workflow ({@code run.stream()}) or an agent network. */
public enum RunKind {
    AGENT, WORKFLOW, NETWORK;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunKind parse(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
