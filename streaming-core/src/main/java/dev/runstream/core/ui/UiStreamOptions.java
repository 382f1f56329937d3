package dev.runstream.core.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a Mastra chunk stream is turned into an AI SDK UI message stream: the options of {@code @mastra/ai-sdk}'s
 * {@code toAISdkStream}. Immutable; validated when built.
 *
 * @param sendReasoning          agent: emit {@code reasoning-*} chunks (also for agents nested in a workflow step)
 * @param sendSources            agent: emit {@code source-url} / {@code source-document} chunks
 * @param sendStart              agent: emit the {@code start} chunk (the workflow conversion always frames its
 *                               stream with {@code start} and {@code finish})
 * @param sendFinish             agent: emit the {@code finish} chunk
 * @param version                the AI SDK version of the produced chunks
 * @param source                 which conversion applies
 * @param lastMessageId          agent: the message id the {@code start} chunk carries instead of the run's own
 * @param includeTextStreamParts workflow: convert the agent chunks a step writes (text, tools, errors) as well
 */
public record UiStreamOptions(boolean sendReasoning, boolean sendSources, boolean sendStart, boolean sendFinish,
        UiStreamVersion version, UiStreamSource source, Optional<String> lastMessageId,
        boolean includeTextStreamParts) {

    private static final UiStreamOptions DEFAULTS = builder().build();

    /**
     * @throws IllegalArgumentException when {@code version}, {@code source} or {@code lastMessageId} is null, or
     *                                  {@code lastMessageId} holds a blank id; the message names every invalid setting
     */
    public UiStreamOptions {
        List<String> errors = new ArrayList<>();
        if (version == null) {
            errors.add("version must not be null");
        }
        if (source == null) {
            errors.add("source must not be null");
        }
        if (lastMessageId == null) {
            errors.add("lastMessageId must not be null (use Optional.empty())");
        } else if (lastMessageId.isPresent() && lastMessageId.get().isBlank()) {
            errors.add("lastMessageId must not be blank, was \"" + lastMessageId.get() + "\"");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid UI stream options: " + String.join("; ", errors));
        }
    }

    /** The defaults of {@code toAISdkStream}, with the source decided by the first chunk. */
    public static UiStreamOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder().sendReasoning(sendReasoning).sendSources(sendSources).sendStart(sendStart)
                .sendFinish(sendFinish).version(version).source(source)
                .lastMessageId(lastMessageId.orElse(null)).includeTextStreamParts(includeTextStreamParts);
    }

    /** Builds {@link UiStreamOptions}; every setting starts at the {@code toAISdkStream} default. */
    public static final class Builder {
        private boolean sendReasoning;
        private boolean sendSources;
        private boolean sendStart = true;
        private boolean sendFinish = true;
        private UiStreamVersion version = UiStreamVersion.V5;
        private UiStreamSource source = UiStreamSource.AUTO;
        private String lastMessageId;
        private boolean includeTextStreamParts = true;

        private Builder() {
        }

        public Builder sendReasoning(boolean value) {
            sendReasoning = value;
            return this;
        }

        public Builder sendSources(boolean value) {
            sendSources = value;
            return this;
        }

        public Builder sendStart(boolean value) {
            sendStart = value;
            return this;
        }

        public Builder sendFinish(boolean value) {
            sendFinish = value;
            return this;
        }

        public Builder version(UiStreamVersion value) {
            version = value;
            return this;
        }

        public Builder source(UiStreamSource value) {
            source = value;
            return this;
        }

        /** The message id for the {@code start} chunk; {@code null} clears it. */
        public Builder lastMessageId(String value) {
            lastMessageId = value;
            return this;
        }

        public Builder includeTextStreamParts(boolean value) {
            includeTextStreamParts = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the first invalid setting */
        public UiStreamOptions build() {
            return new UiStreamOptions(sendReasoning, sendSources, sendStart, sendFinish, version, source,
                    Optional.ofNullable(lastMessageId), includeTextStreamParts);
        }
    }

}
