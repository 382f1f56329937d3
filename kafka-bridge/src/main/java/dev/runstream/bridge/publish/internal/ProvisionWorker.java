package dev.runstream.bridge.publish.internal;

import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Provisions runs off the sender thread: creates the topics of new runs and reads where existing ones go on, for
 * every run handed over since its last round in one go, and hands the outcomes back. A run starting never holds up
 * the chunks of runs already written.
 */
public final class ProvisionWorker implements AutoCloseable {

    private final RunProvisioner provisioner;
    private final Consumer<Map<String, ProvisionOutcome>> answer;
    private final Consumer<Set<String>> prepare;
    private final LinkedBlockingQueue<Set<String>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param prepare called with the runs that provisioned well, before their outcomes are handed back (the
     *                publisher has its producer learn their topics' metadata there, off the sender thread)
     */
    public ProvisionWorker(RunProvisioner provisioner, Consumer<Set<String>> prepare,
            Consumer<Map<String, ProvisionOutcome>> answer) {
        this.provisioner = provisioner;
        this.prepare = prepare;
        this.answer = answer;
        this.thread = Thread.ofPlatform().name("runstream-provisioner").daemon().start(this::run);
    }

    /** Provisions {@code runIds}; their outcomes come back through the answer callback. */
    public void submit(Set<String> runIds) {
        queue.add(runIds);
    }

    private void run() {
        while (!closed || !queue.isEmpty()) {
            Set<String> runs;
            try {
                Set<String> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                runs = new LinkedHashSet<>(first);
                List<Set<String>> more = new java.util.ArrayList<>();
                queue.drainTo(more);
                more.forEach(runs::addAll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Map<String, ProvisionOutcome> outcomes;
            try {
                outcomes = provisioner.provision(runs);
            } catch (RuntimeException e) {
                RunstreamException failure = new RunstreamException("the run's topic could not be provisioned: "
                        + e.getMessage(), e);
                outcomes = new LinkedHashMap<>();
                for (String runId : runs) {
                    outcomes.put(runId, new ProvisionOutcome.Refused(failure));
                }
            }
            Set<String> numbered = new LinkedHashSet<>();
            outcomes.forEach((runId, outcome) -> {
                if (outcome instanceof ProvisionOutcome.Numbered) {
                    numbered.add(runId);
                }
            });
            if (!numbered.isEmpty()) {
                prepare.accept(numbered);
            }
            answer.accept(outcomes);
        }
    }

    /** Finishes what was handed over (up to {@code timeout}), then stops. */
    public void close(Duration timeout) {
        closed = true;
        try {
            thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        provisioner.close();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
