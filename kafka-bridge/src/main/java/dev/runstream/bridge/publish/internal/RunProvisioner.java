package dev.runstream.bridge.publish.internal;

import java.util.Collection;
import java.util.Map;

/**
 * Readies runs new to a publisher for writing and tells where each one's numbering goes on: the run's log (its topic,
 * or its partition of {@code {prefix}.runs}) and its history. Used by one thread, the provisioning one.
 */
public interface RunProvisioner extends AutoCloseable {

    /** Per run, the sequence number of its next chunk, or why it cannot be written now. */
    Map<String, ProvisionOutcome> provision(Collection<String> runIds);

    @Override
    void close();
}
