package dev.runstream.bridge.aggregate.internal;

import dev.runstream.bridge.aggregate.RunActivityIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;

/**
 * The {@link RunActivityIndex} of each task this process runs now: a task's fold processor registers its index when
 * it starts and removes it when it closes (the task moved, or is restarted after a failure and rebuilds it).
 */
public final class RunActivityIndexes {

    private final Map<TaskId, RunActivityIndex> byTask = new ConcurrentHashMap<>();

    void register(TaskId task, RunActivityIndex index) {
        byTask.put(task, index);
    }

    void unregister(TaskId task, RunActivityIndex index) {
        byTask.remove(task, index);
    }

    /** The indexes of {@code tasks} when every one is registered and complete; else empty (read the store). */
    public Optional<List<RunActivityIndex>> completeFor(Set<TaskId> tasks) {
        List<RunActivityIndex> found = new ArrayList<>(tasks.size());
        for (TaskId task : tasks) {
            RunActivityIndex index = byTask.get(task);
            if (index == null || !index.complete()) {
                return Optional.empty();
            }
            found.add(index);
        }
        return Optional.of(found);
    }
}
