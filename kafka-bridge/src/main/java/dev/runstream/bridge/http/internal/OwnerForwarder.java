package dev.runstream.bridge.http.internal;

import dev.runstream.bridge.http.internal.auth.PresentedCredentials;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Sends a query on to the instance that holds the answer (interactive queries: each instance holds the summaries of
 * its own partitions) and gives back its reply as it is. A forwarded request carries {@value #FORWARDED_HEADER},
 * and an instance never forwards such a request again: no loops while ownership moves.
 */
public final class OwnerForwarder {

    public static final String FORWARDED_HEADER = "Runstream-Forwarded";

    private final HttpClient client;
    private final Duration timeout;

    public OwnerForwarder(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public static boolean isForwarded(Context ctx) {
        return ctx.header(FORWARDED_HEADER) != null;
    }

    /** GETs {@code pathAndQuery} from {@code owner}, with the caller's credentials (its Authorization header, else its session cookie). */
    public Reply get(HostInfo owner, String pathAndQuery, Context ctx) throws InterruptedException {
        return send(owner, pathAndQuery, ctx, HttpRequest.newBuilder().GET().timeout(timeout));
    }

    /**
     * POSTs the caller's body to {@code pathAndQuery} of {@code owner}, with the caller's credentials, waiting
     * {@code answerWait} longer than a GET for the answer (the owner's own wait).
     */
    public Reply post(HostInfo owner, String pathAndQuery, Context ctx, Duration answerWait)
            throws InterruptedException {
        return send(owner, pathAndQuery, ctx, HttpRequest.newBuilder()
                .header("Content-Type", ctx.contentType() == null ? "application/json" : ctx.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(ctx.bodyAsBytes()))
                .timeout(timeout.plus(answerWait)));
    }

    private Reply send(HostInfo owner, String pathAndQuery, Context ctx, HttpRequest.Builder request)
            throws InterruptedException {
        request.uri(URI.create("http://" + hostPort(owner) + pathAndQuery))
                .header(FORWARDED_HEADER, "1");
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            request.header("Authorization", authorization);
        } else {
            // A reader authenticated by its session cookie: the owner checks the same cookie. Only Runstream's
            // cookie goes on; the caller's other cookies (its application's, on a shared origin) stay here.
            for (String token : PresentedCredentials.sessionCookies(ctx)) {
                request.header("Cookie", PresentedCredentials.COOKIE + "=" + token);
            }
        }
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type")
                    .orElse("application/json"), response.body());
        } catch (IOException e) {
            // Most often an instance that just left, while its partitions move: worth a retry.
            ctx.header("Retry-After", "1");
            throw new ApiException(503, "owner_unreachable", "the instance at " + hostPort(owner)
                    + " that holds the answer could not be reached (" + e.getClass().getSimpleName()
                    + "); retry shortly");
        }
    }

    /** A reply from another instance. */
    public record Reply(int status, String contentType, byte[] body) {

        public void relay(Context ctx) {
            // The owner's answer as it is: a 404 of its own (run_not_found) is not a missing route here.
            ctx.attribute(ApiErrors.ANSWERED, Boolean.TRUE);
            ctx.status(status).contentType(contentType).result(body);
        }
    }

    private static String hostPort(HostInfo host) {
        String name = host.host();
        return (name.contains(":") && !name.startsWith("[") ? "[" + name + "]" : name) + ":" + host.port();
    }
}
