package dev.runstream.bridge.broker.internal;

import dev.runstream.bridge.broker.EmbeddedBrokerException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Picks a port the OS reports free on a host. {@code KafkaRaftServer} offers no way to read back an
 * ephemeral port, and a static controller quorum must name its controller's port before start, so the
 * broker asks the OS for one, releases it and hands it to Kafka. Another process may take it in between:
 * {@link dev.runstream.bridge.broker.EmbeddedKafkaBroker} retries the start with new ports if a bind fails.
 */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    public static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EmbeddedBrokerException("No free port on " + host + ": " + e.getMessage(), e);
        }
    }
}
