package dev.runstream.core.fold;

import java.util.Objects;

/**
 * The part of {@link RunFold}'s working state that is not itself a summary value but is needed to go on folding
 * (it is persisted with the summary, so an aggregator that restarts, or a resumed leg, continues exactly).
 *
 * @param stepText        the text deltas of the step in flight
 * @param lastStepText    the text of the last finished step
 * @param stepHasTools    whether the step in flight called a tool or got a tool result
 * @param anyStepHadTools whether any finished step did
 * @param wasSuspended    whether the run was ever suspended (approval or tool suspension)
 */
public record FoldState(String stepText, String lastStepText, boolean stepHasTools, boolean anyStepHadTools,
        boolean wasSuspended) {

    public static final FoldState INITIAL = new FoldState("", "", false, false, false);

    public FoldState {
        Objects.requireNonNull(stepText, "stepText");
        Objects.requireNonNull(lastStepText, "lastStepText");
    }
}
