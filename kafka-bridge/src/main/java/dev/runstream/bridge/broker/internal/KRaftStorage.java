package dev.runstream.bridge.broker.internal;

import dev.runstream.bridge.broker.EmbeddedBrokerException;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The KRaft log directory of the embedded node: formatted once, with a fresh cluster id, the first time
 * the node starts on it; later starts find {@code meta.properties} (which holds the cluster id) and reuse it.
 */
public final class KRaftStorage {

    private static final Logger LOG = LoggerFactory.getLogger(KRaftStorage.class);

    private KRaftStorage() {
    }

    /**
     * Formats {@code logDir} for a static single-voter quorum unless it is formatted already.
     *
     * @return the cluster id stored in the directory
     */
    public static String formatIfNeeded(Path logDir, int nodeId, String controllerListenerName) {
        Optional<String> existing = clusterIdOf(logDir);
        if (existing.isPresent()) {
            LOG.debug("KRaft storage {} already formatted for cluster {}", logDir, existing.get());
            return existing.get();
        }
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            Files.createDirectories(logDir);
            new Formatter()
                .setPrintStream(print)
                .setNodeId(nodeId)
                .setClusterId(clusterId)
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName(controllerListenerName)
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setUnstableFeatureVersionsEnabled(false)
                .run();
        } catch (Exception e) {
            throw new EmbeddedBrokerException("Could not format KRaft storage " + logDir + ": " + e.getMessage(), e);
        }
        LOG.info("Formatted KRaft storage {} for new cluster {} (metadata version {})",
            logDir, clusterId, MetadataVersion.latestProduction());
        LOG.debug("Formatter output: {}", output.toString(StandardCharsets.UTF_8).strip());
        return clusterId;
    }

    /** How many partitions {@code logDir} holds: its directories named {@code <topic>-<partition>}. */
    public static long partitionCount(Path logDir) {
        if (!Files.isDirectory(logDir)) {
            return 0;
        }
        try (var entries = Files.list(logDir)) {
            return entries.filter(Files::isDirectory)
                    .filter(dir -> dir.getFileName().toString().matches(".+-\\d+")).count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** The cluster id recorded in {@code logDir}, if it has been formatted. */
    public static Optional<String> clusterIdOf(Path logDir) {
        if (!Files.isDirectory(logDir)) {
            return Optional.empty();
        }
        try {
            MetaPropertiesEnsemble ensemble = new MetaPropertiesEnsemble.Loader()
                .addLogDirs(List.of(logDir.toString()))
                .addMetadataLogDir(logDir.toString())
                .load();
            if (!ensemble.errorLogDirs().isEmpty()) {
                throw new EmbeddedBrokerException("Cannot read " + MetaPropertiesEnsemble.META_PROPERTIES_NAME
                    + " in " + logDir);
            }
            return ensemble.clusterId();
        } catch (IOException e) {
            throw new EmbeddedBrokerException("Cannot read KRaft storage " + logDir + ": " + e.getMessage(), e);
        }
    }
}
