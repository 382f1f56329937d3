package dev.runstream.bridge.http.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.bridge.registry.SchemaRegistryStore;
import dev.runstream.bridge.registry.SchemaRegistryUnavailableException;
import dev.runstream.core.testing.Corpus;
import io.javalin.Javalin;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A store that cannot reach its schemas topic answers 500 with Confluent's store error 50001, on a real server on an
 * ephemeral loopback port. (RegistryApiIT covers every other code on the real bridge and broker; a broker made to fail
 * under it would take the topic's 30 s timeout per request.)
 */
class RegistryStoreErrorTest {

    @Test
    void shouldAnswerStoreError50001WhenTheSchemasTopicCannotBeReached() throws Exception {
        SchemaRegistryStore unreachable = (SchemaRegistryStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SchemaRegistryStore.class}, (proxy, method, args) -> {
                    throw new SchemaRegistryUnavailableException("Could not read schemas topic t within 30000 ms", 0,
                            null);
                });
        RegistryRoutes routes = new RegistryRoutes(unreachable);
        Javalin app = Javalin.create(config -> {
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.startup.showJavalinBanner = false;
            RegistryRoutes.mount(config.routes, "/registry", () -> routes);
            config.routes.exception(Exception.class, RegistryErrors::answer);
        }).start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (String path : new String[] {"/registry/subjects", "/registry/schemas/ids/1", "/registry/config"}) {
                HttpResponse<String> reply = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + app.port() + path)).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(reply.statusCode()).as(path).isEqualTo(500);
                assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                        assertThat(type).startsWith(RegistryExchange.CONTENT_TYPE));
                assertThat(Corpus.parse(reply.body()).get("error_code").asInt()).isEqualTo(50001);
            }
        } finally {
            app.stop();
        }
    }
}
