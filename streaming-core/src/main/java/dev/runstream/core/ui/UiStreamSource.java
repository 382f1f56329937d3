package dev.runstream.core.ui;

/** Which Mastra stream is converted: an agent's {@code fullStream}, a workflow run's, or whichever the first chunk says. */
public enum UiStreamSource {
    /** An agent run ({@code MastraModelOutput.fullStream}). */
    AGENT,
    /** A workflow run ({@code WorkflowRunOutput.fullStream}). */
    WORKFLOW,
    /**
     * Decided by the first chunk: a {@code workflow-*} type selects the workflow conversion, anything else the agent
     * conversion. A stream that ends with no chunk at all is treated as an agent stream.
     */
    AUTO
}
