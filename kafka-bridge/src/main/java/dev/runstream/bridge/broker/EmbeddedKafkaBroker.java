package dev.runstream.bridge.broker;

import dev.runstream.bridge.broker.internal.BrokerProperties;
import dev.runstream.bridge.broker.internal.KRaftStorage;
import dev.runstream.bridge.broker.internal.LoopbackPorts;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM, built
 * from Kafka's own server classes: the storage is formatted with {@code Formatter} the first time, then
 * {@code KafkaRaftServer} starts on it, as {@code kafka-server-start} would.
 *
 * <p>All data lives under {@link #dataDir()} and survives a restart: a new instance on the same directory
 * finds the cluster id and every topic, committed offset and transaction state of the previous one. The
 * client listener is PLAINTEXT on {@link Builder#host(String)}; port 0 picks a free port, and
 * {@link #bootstrapServers()} tells which. A {@code KafkaRaftServer} cannot be started twice: to restart,
 * {@link #close()} this instance and build a new one on the same directory.
 *
 * <p>Lifecycle: {@link State#CREATED} → {@link State#RUNNING} → {@link State#STOPPING} → {@link State#STOPPED}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String KRAFT_DIR = "kraft";
    private static final int MAX_BIND_ATTEMPTS = 3;

    /** Lifecycle of one broker instance. */
    public enum State { CREATED, STARTING, RUNNING, STOPPING, STOPPED, FAILED }

    private final Path dataDir;
    private final String host;
    private final int port;
    private final Duration startupTimeout;
    private final Map<String, String> overrides;
    private final Object lock = new Object();

    private volatile State state = State.CREATED;
    private KafkaRaftServer server;
    private String bootstrapServers;
    private String clusterId;
    private Duration startupTime;

    private EmbeddedKafkaBroker(Builder builder) {
        this.dataDir = builder.dataDir.toAbsolutePath().normalize();
        this.host = builder.host;
        this.port = builder.port;
        this.startupTimeout = builder.startupTimeout;
        this.overrides = Map.copyOf(builder.overrides);
    }

    /** A builder for a broker that keeps its data under {@code dataDir} (created if missing). */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /**
     * Formats the storage if needed and starts the node; returns once the broker accepts clients.
     *
     * @throws EmbeddedBrokerException if it cannot start (the instance is then {@link State#FAILED})
     * @throws IllegalStateException if this instance was started before
     */
    public EmbeddedKafkaBroker start() {
        synchronized (lock) {
            if (state != State.CREATED) {
                throw new IllegalStateException("Broker on " + dataDir + " is " + state + "; build a new one to restart");
            }
            state = State.STARTING;
            long begin = System.nanoTime();
            Path logDir = dataDir.resolve(KRAFT_DIR);
            try {
                clusterId = KRaftStorage.formatIfNeeded(logDir, BrokerProperties.NODE_ID, BrokerProperties.CONTROLLER_LISTENER);
                requireRoomFor(logDir);
                startServer(logDir);
            } catch (RuntimeException e) {
                state = State.FAILED;
                throw e instanceof EmbeddedBrokerException ee ? ee
                    : new EmbeddedBrokerException("Embedded Kafka broker on " + dataDir + " failed to start: " + e, e);
            }
            startupTime = Duration.ofNanos(System.nanoTime() - begin);
            state = State.RUNNING;
            LOG.info("Embedded Kafka broker running at {} (cluster {}, data {}) after {} ms",
                bootstrapServers, clusterId, dataDir, startupTime.toMillis());
            return this;
        }
    }

    /**
     * Refuses, before the broker opens them, a log directory with more partitions than this process can hold open
     * (each needs an open file and two maps, with 10 % of each limit left for everything else): the broker would fail
     * its log directory and stop half-way.
     */
    private static void requireRoomFor(Path logDir) {
        long partitions = KRaftStorage.partitionCount(logDir);
        ProcessLimits limits = ProcessLimits.read();
        limits.shortOf(partitions, 0.1).ifPresent(shortOf -> {
            throw new EmbeddedBrokerException("the embedded broker's data in " + logDir + " holds " + partitions
                    + " partitions, more than this process can open (" + shortOf + "): raise its open-file limit "
                    + "(ulimit -n) or vm.max_map_count, or move the data to a cluster");
        });
    }

    /** How long a broker with {@code partitions} partitions may take to load them: 60 s, and 10 ms more for each. */
    static java.time.Duration startupTimeoutFor(long partitions, java.time.Duration base) {
        return base.plusMillis(10 * partitions);
    }

    private void startServer(Path logDir) {
        for (int attempt = 1; ; attempt++) {
            int clientPort = port == 0 ? LoopbackPorts.freePort(host) : port;
            int controllerPort = LoopbackPorts.freePort(host);
            Properties props = BrokerProperties.of(host, clientPort, controllerPort, logDir,
                startupTimeoutFor(KRaftStorage.partitionCount(logDir), startupTimeout).toMillis(), overrides);
            KafkaRaftServer candidate = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            try {
                candidate.startup();
                server = candidate;
                bootstrapServers = host + ":" + clientPort;
                return;
            } catch (RuntimeException e) {
                shutDownQuietly(candidate);
                if (!isBindFailure(e) || attempt == MAX_BIND_ATTEMPTS) {
                    throw new EmbeddedBrokerException("Embedded Kafka broker on " + dataDir
                        + " failed to start (client port " + clientPort + ", controller port " + controllerPort
                        + "): " + e.getMessage(), e);
                }
                LOG.warn("Embedded Kafka broker could not bind its ports (attempt {} of {}), retrying",
                    attempt, MAX_BIND_ATTEMPTS, e);
            }
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void shutDownQuietly(KafkaRaftServer candidate) {
        try {
            candidate.shutdown();
            candidate.awaitShutdown();
        } catch (RuntimeException suppressed) {
            LOG.debug("Ignoring failure while shutting down a broker that did not start", suppressed);
        }
    }

    /** {@code host:port} of the client listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        requireRunning();
        return bootstrapServers;
    }

    /** The cluster id, kept in the data directory across restarts. */
    public String clusterId() {
        requireRunning();
        return clusterId;
    }

    /** Wall time that {@link #start()} took: format (if needed), start and wait until ready. */
    public Duration startupTime() {
        requireRunning();
        return startupTime;
    }

    public Path dataDir() {
        return dataDir;
    }

    public State state() {
        return state;
    }

    private void requireRunning() {
        if (state != State.RUNNING) {
            throw new IllegalStateException("Embedded Kafka broker on " + dataDir + " is " + state);
        }
    }

    /** Stops the broker cleanly and waits until it has stopped; the data stays. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (state != State.RUNNING) {
                state = state == State.CREATED ? State.STOPPED : state;
                return;
            }
            state = State.STOPPING;
            long begin = System.nanoTime();
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                state = State.FAILED;
                throw new EmbeddedBrokerException("Embedded Kafka broker on " + dataDir + " failed to stop: " + e, e);
            } finally {
                server = null;
            }
            state = State.STOPPED;
            LOG.info("Embedded Kafka broker on {} stopped in {} ms", dataDir,
                Duration.ofNanos(System.nanoTime() - begin).toMillis());
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker{dataDir=" + dataDir + ", host=" + host + ", port=" + port
            + ", state=" + state + (bootstrapServers == null ? "" : ", bootstrapServers=" + bootstrapServers) + '}';
    }

    /** Builds an {@link EmbeddedKafkaBroker}; validates each value as it is set. */
    public static final class Builder {

        private final Path dataDir;
        private String host = "127.0.0.1";
        private int port;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** Address the listeners bind to and advertise. Loopback unless set. */
        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank: '" + host + "'");
            }
            this.host = host;
            return this;
        }

        /** Client listener port; 0 picks a free one (see {@link #bootstrapServers()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
            }
            this.port = port;
            return this;
        }

        /** How long the node may take to become ready before {@link #start()} fails. */
        public Builder startupTimeout(Duration startupTimeout) {
            if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive: " + startupTimeout);
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        /** A Kafka server property that overrides the single-node defaults (e.g. {@code log.retention.ms}). */
        public Builder brokerProperty(String name, String value) {
            if (name == null || name.isBlank() || value == null) {
                throw new IllegalArgumentException("broker property needs a name and a value: " + name + "=" + value);
            }
            overrides.put(name, value);
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
