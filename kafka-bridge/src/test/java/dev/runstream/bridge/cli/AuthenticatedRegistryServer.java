package dev.runstream.bridge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on an ephemeral loopback port that serves the part of the Confluent Schema Registry API that
 * Runstream's REST client uses (register, look up, schema by id, compatibility), and answers 401 unless the request
 * carries one of the accepted {@code Authorization} values. It records the ones it got.
 */
final class AuthenticatedRegistryServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Set<String> accepted;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    AuthenticatedRegistryServer(Set<String> acceptedAuthorizations) throws IOException {
        this.accepted = Set.copyOf(acceptedAuthorizations);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The {@code Authorization} values of every request so far. */
    List<String> authorizations() {
        return authorizations;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(authorization));
        byte[] request = exchange.getRequestBody().readAllBytes();
        if (!accepted.contains(authorization)) {
            answer(exchange, 401, error(40101, "Unauthorized"));
            return;
        }
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String schema = (request.length == 0 ? JSON.createObjectNode() : JSON.readTree(request))
                .path("schema").asText(null);
        if (method.equals("POST") && path.matches("/subjects/[^/]+/versions")) {
            int id = idsBySchema.computeIfAbsent(schema, text -> {
                int next = ids.incrementAndGet();
                schemasById.put(next, text);
                return next;
            });
            answer(exchange, 200, JSON.createObjectNode().put("id", id));
        } else if (method.equals("POST") && path.matches("/subjects/[^/]+")) {
            Integer id = idsBySchema.get(schema);
            answer(exchange, id == null ? 404 : 200, id == null ? error(40403, "Schema not found")
                    : JSON.createObjectNode().put("subject", path.substring("/subjects/".length())).put("id", id)
                            .put("version", 1).put("schema", schema));
        } else if (method.equals("GET") && path.matches("/schemas/ids/\\d+")) {
            String known = schemasById.get(Integer.parseInt(path.substring("/schemas/ids/".length())));
            answer(exchange, known == null ? 404 : 200, known == null ? error(40403, "Schema not found")
                    : JSON.createObjectNode().put("schema", known));
        } else if (method.equals("POST") && path.startsWith("/compatibility/")) {
            answer(exchange, 200, JSON.createObjectNode().put("is_compatible", true));
        } else {
            answer(exchange, 404, error(40401, "Subject not found"));
        }
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void answer(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
