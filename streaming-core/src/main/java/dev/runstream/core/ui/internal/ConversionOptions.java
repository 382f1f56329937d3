package dev.runstream.core.ui.internal;

import dev.runstream.core.ui.UiStreamOptions;
import dev.runstream.core.ui.UiStreamVersion;
import java.util.Optional;

/**
 * What the per-chunk agent conversion needs to know. Inside a workflow step {@code sendStart} and
 * {@code sendFinish} are off, so a nested agent's {@code start} and {@code finish} are dropped.
 */
public record ConversionOptions(boolean sendReasoning, boolean sendSources, boolean sendStart, boolean sendFinish,
        UiStreamVersion version, Optional<String> lastMessageId) {

    public static ConversionOptions of(UiStreamOptions options) {
        return new ConversionOptions(options.sendReasoning(), options.sendSources(), options.sendStart(),
                options.sendFinish(), options.version(), options.lastMessageId());
    }

    /** The same options for chunks an agent writes through a workflow step: no start, no finish. */
    public ConversionOptions nested() {
        return new ConversionOptions(sendReasoning, sendSources, false, false, version, lastMessageId);
    }

    /** Whether the produced chunks follow the AI SDK v6 rules (v6 and v7). */
    public boolean v6Rules() {
        return version != UiStreamVersion.V5;
    }
}
