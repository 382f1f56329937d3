package dev.runstream.core.ui;

/**
 * The AI SDK major version whose UI message stream is produced, as {@code @mastra/ai-sdk}'s {@code version} option.
 * V6 and V7 share one runtime path; they differ from V5 in two places only: a {@code tool-call-approval} is preceded
 * by a {@code tool-approval-request}, and a {@code finish} reason outside the AI SDK's standard set becomes
 * {@code "other"}.
 */
public enum UiStreamVersion {
    V5, V6, V7
}
