package dev.runstream.bridge.broker;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Gives integration tests a real {@link EmbeddedKafkaBroker} — the same class the CLI runs — in a
 * temporary directory: {@code @ExtendWith(EmbeddedKafkaExtension.class)}, then take an
 * {@code EmbeddedKafkaBroker} parameter (constructor, {@code @BeforeAll}, or test method).
 *
 * <p>One broker is shared by every test class in the JVM (kept in the root store, closed and deleted when
 * the run ends): tests isolate themselves by their own topic and group names, so a broker per class would
 * only add its start time (seconds) to every class. A test that needs a broker lifecycle of its own (e.g.
 * a restart) builds an {@link EmbeddedKafkaBroker} itself.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return broker(context);
    }

    private static EmbeddedKafkaBroker broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
            .getOrComputeIfAbsent(SharedBroker.class, key -> SharedBroker.start(), SharedBroker.class)
            .broker();
    }

    /** The JVM-wide broker and its directory; JUnit closes it when the root context closes. */
    private record SharedBroker(EmbeddedKafkaBroker broker, Path dir) implements AutoCloseable {

        static SharedBroker start() {
            try {
                Path dir = Files.createTempDirectory("runstream-kafka-it-");
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir).build().start();
                System.out.printf("Embedded Kafka broker for tests started in %d ms at %s%n",
                    broker.startupTime().toMillis(), broker.bootstrapServers());
                return new SharedBroker(broker, dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                broker.close();
            } finally {
                deleteRecursively(dir);
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
