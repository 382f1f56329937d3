package dev.runstream.bridge.broker.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The server properties of a single-node, combined broker+controller KRaft node. Replication factors,
 * minimum ISR and internal-topic partition counts are those one node can satisfy: with Kafka's defaults
 * (3 replicas) the transaction coordinator never becomes available and transactions and EOS hang.
 */
public final class BrokerProperties {

    public static final int NODE_ID = 1;
    public static final String CLIENT_LISTENER = "PLAINTEXT";
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    private BrokerProperties() {
    }

    public static Properties of(String host, int clientPort, int controllerPort, Path logDir,
                                long startupTimeoutMs, Map<String, String> overrides) {
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", Integer.toString(NODE_ID));
        props.setProperty("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        props.setProperty("listeners", CLIENT_LISTENER + "://" + host + ":" + clientPort + ","
            + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        props.setProperty("advertised.listeners", CLIENT_LISTENER + "://" + host + ":" + clientPort);
        props.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        props.setProperty("inter.broker.listener.name", CLIENT_LISTENER);
        props.setProperty("listener.security.protocol.map",
            CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.setProperty("log.dirs", logDir.toString());
        props.setProperty("metadata.log.dir", logDir.toString());

        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("offsets.topic.num.partitions", "1");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("transaction.state.log.num.partitions", "1");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        props.setProperty("share.coordinator.state.topic.num.partitions", "1");
        props.setProperty("default.replication.factor", "1");
        props.setProperty("min.insync.replicas", "1");
        props.setProperty("num.partitions", "1");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        // Runstream creates its topics itself. A producer's metadata request always asks for missing topics to be
        // created, so with auto-creation on, a run topic deleted (reaped, erased) while a publisher still has it in
        // its metadata comes back, empty. The same as docker-compose.yml's broker.
        props.setProperty("auto.create.topics.enable", "false");
        // A deleted run topic's files stay open until they are removed from disk: after a second, not a minute, so
        // that the open files and maps of a process deleting hundreds of run topics a minute stay flat.
        props.setProperty("log.segment.delete.delay.ms", "1000");

        // Kafka's own heartbeat interval (2 s), not a shorter one: the controller gives a heartbeat half the interval
        // to leave its event queue, and at 200 ms it logged "controller event queue overloaded" at ERROR whenever
        // run topics were created and deleted by the hundred a second. Start and restart take as long (about 250 ms
        // measured either way): the broker heartbeats at once while it catches up.
        props.setProperty("broker.heartbeat.interval.ms", "2000");
        props.setProperty("broker.session.timeout.ms", "9000");
        props.setProperty("server.max.startup.time.ms", Long.toString(startupTimeoutMs));
        props.setProperty("log.flush.offset.checkpoint.interval.ms", "60000");

        props.putAll(overrides);
        return props;
    }
}
