package dev.runstream.bridge.publish;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.internal.ProvisionOutcome;
import dev.runstream.bridge.publish.internal.RunTopicProvisioner;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;

/** Creates one run's topic the way the publisher does: with the {@code run.topic.*} settings, its leader awaited. */
public final class RunTopicCreator {

    private RunTopicCreator() {
    }

    /**
     * Creates the topic of {@code runId} unless it exists.
     *
     * @throws RunCapacityException when this process could not open the topic's files
     * @throws dev.runstream.core.RunstreamException when Kafka refuses the topic
     */
    public static void create(RunstreamConfig config, Admin admin, String runId) {
        try (RunTopicProvisioner provisioner = new RunTopicProvisioner(config, admin, RunHistory.NONE)) {
            if (provisioner.provision(List.of(runId)).get(runId) instanceof ProvisionOutcome.Refused refused) {
                throw refused.error();
            }
        }
    }
}
