package dev.runstream.core.fold;

import java.util.Locale;
import java.util.Optional;

/**
 * A run's status, in Mastra's words: an agent's {@code MastraModelOutput.status} ({@code running}, {@code success},
 * {@code failed}, {@code suspended}, {@code canceled}) and a workflow's {@code WorkflowRunStatus}; plus Runstream's
 * own {@link #ABANDONED}.
 */
public enum RunStatus {
    RUNNING, SUCCESS, FAILED, SUSPENDED, CANCELED, TRIPWIRE, PAUSED, WAITING, PENDING, BAILED, SKIPPED,
    /**
     * Runstream's own, never in a chunk: a running run whose writer sent nothing for a while (see
     * {@link RunFold#abandon}). Not terminal: a chunk that comes after all resumes the run.
     */
    ABANDONED;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status of a Mastra status string, if it is one. */
    public static Optional<RunStatus> parse(String value) {
        for (RunStatus status : values()) {
            if (status.jsonName().equals(value)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    /** Whether the run has ended for good (a suspended, paused or abandoned run can still go on). */
    public boolean isTerminal() {
        return switch (this) {
            case SUCCESS, FAILED, CANCELED, TRIPWIRE, BAILED, SKIPPED -> true;
            default -> false;
        };
    }
}
