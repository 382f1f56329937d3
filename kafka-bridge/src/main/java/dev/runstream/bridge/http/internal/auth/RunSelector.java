package dev.runstream.bridge.http.internal.auth;

import dev.runstream.core.RunIds;
import java.util.Objects;

/**
 * The runs a scoped token reaches: one run id exactly, or every run id that starts with a prefix.
 *
 * <p>A prefix is compared character by character and case-sensitively ({@link String#startsWith}) with a run id
 * that was itself checked by {@link RunIds#requireValid}. To make {@code tenant-4} unable to reach
 * {@code tenant-42}, a prefix must end with a separator ({@code .}, {@code _} or {@code -}): {@code tenant-4-}
 * reaches {@code tenant-4-a} and {@code tenant-4-} itself, never {@code tenant-42}. A prefix is otherwise held to
 * the run-id rules (characters, length, no leading {@code --}).
 */
public record RunSelector(String run, String prefix) {

    public RunSelector {
        if ((run == null) == (prefix == null)) {
            throw new IllegalArgumentException("a token names either one run or one run-id prefix");
        }
        if (run != null) {
            RunIds.requireValid(run);
        } else {
            requireValidPrefix(prefix);
        }
    }

    public static RunSelector exactly(String runId) {
        return new RunSelector(Objects.requireNonNull(runId, "runId"), null);
    }

    public static RunSelector withPrefix(String prefix) {
        return new RunSelector(null, Objects.requireNonNull(prefix, "prefix"));
    }

    /** Whether {@code runId}, a valid run id, is one of the selected runs. */
    public boolean matches(String runId) {
        return run != null ? run.equals(runId) : runId.startsWith(prefix);
    }

    /** How the selection reads in messages: {@code run 'x'} or {@code runs starting with 'p'}. */
    public String describe() {
        return run != null ? "run '" + run + "'" : "runs starting with '" + prefix + "'";
    }

    private static void requireValidPrefix(String prefix) {
        RunIds.requireValid(prefix);
        char last = prefix.charAt(prefix.length() - 1);
        if (last != '.' && last != '_' && last != '-') {
            throw new IllegalArgumentException("run-id prefix '" + prefix + "' must end with '.', '_' or '-', "
                    + "so that it cannot reach runs whose ids merely continue it (as 'a1' would 'a10')");
        }
        if (prefix.chars().noneMatch(Character::isLetterOrDigit)) {
            throw new IllegalArgumentException("run-id prefix '" + prefix + "' has no letter or digit");
        }
    }
}
