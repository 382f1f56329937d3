package dev.runstream.bridge.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on an ephemeral loopback port that answers scripted Confluent API responses per
 * "METHOD /raw-path" (the last one repeats) and records every request it gets. 404 with 40401 when unscripted.
 */
final class RecordingRegistryServer implements AutoCloseable {

    record Request(String method, String path, String rawPath, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    record Response(int status, String body) {
    }

    private final HttpServer server;
    private final String prefix;
    private final Map<String, Deque<Response>> script = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    RecordingRegistryServer(String prefix) throws IOException {
        this.prefix = prefix;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
    }

    /** Answers the next request to "METHOD /path" (path without the prefix) with these responses in turn. */
    RecordingRegistryServer on(String methodAndPath, Response... responses) {
        script.put(methodAndPath, new ArrayDeque<>(List.of(responses)));
        return this;
    }

    List<Request> requests() {
        return requests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String rawPath = exchange.getRequestURI().getRawPath();
        String path = rawPath.startsWith(prefix) ? rawPath.substring(prefix.length()) : rawPath;
        requests.add(new Request(exchange.getRequestMethod(), path, rawPath, Map.copyOf(exchange.getRequestHeaders()), body));
        Response response;
        Deque<Response> queue = script.get(exchange.getRequestMethod() + " " + path);
        if (queue == null || queue.isEmpty()) {
            response = new Response(404, "{\"error_code\":40401,\"message\":\"Subject not found.\"}");
        } else {
            response = queue.size() > 1 ? queue.poll() : queue.peek();
        }
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
