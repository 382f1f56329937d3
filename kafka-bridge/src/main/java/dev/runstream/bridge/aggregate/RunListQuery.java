package dev.runstream.bridge.aggregate;

import dev.runstream.core.RunIds;
import dev.runstream.core.fold.RunStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One page of the run list: the runs whose status is one of {@code statuses} (empty: any) and whose id contains
 * {@code idContains} (empty: any), latest activity first, then by run id, after {@code after}, at most {@code limit}.
 */
public record RunListQuery(Set<RunStatus> statuses, String idContains, Optional<Cursor> after, int limit) {

    /**
     * Where a page ended: the last run's activity (its last chunk, to the millisecond) and id. On the wire
     * {@code <epoch millis>:<runId>}.
     */
    public record Cursor(Instant activity, String runId) {

        public Cursor {
            Objects.requireNonNull(activity, "activity");
            RunIds.requireValid(runId);
        }

        /** @throws IllegalArgumentException when {@code text} is not {@code <epoch millis>:<runId>} */
        public static Cursor parse(String text) {
            int colon = text.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("a run list cursor is <epoch millis>:<runId>");
            }
            try {
                return new Cursor(Instant.ofEpochMilli(Long.parseLong(text.substring(0, colon))),
                        text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a run list cursor is <epoch millis>:<runId>", e);
            }
        }

        @Override
        public String toString() {
            return activity.toEpochMilli() + ":" + runId;
        }
    }

    public RunListQuery {
        statuses = Set.copyOf(statuses);
        Objects.requireNonNull(idContains, "idContains");
        Objects.requireNonNull(after, "after");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
    }
}
