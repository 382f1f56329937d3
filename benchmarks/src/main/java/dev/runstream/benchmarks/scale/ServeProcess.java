package dev.runstream.benchmarks.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real {@code runstream serve} as a child JVM: {@code java -Xmx<heap> -jar runstream.jar serve --data-dir <dir>
 * --port 0 --kafka-port 0 [--config k=v ...]}. Its standard output tells the broker's and the bridge's addresses;
 * its standard error (the log) goes to {@code serve.log} in the directory, for {@link #tallyLog}.
 */
public final class ServeProcess implements AutoCloseable {

    private static final String BOOTSTRAP_LINE = "Kafka bootstrap servers: ";
    private static final String HTTP_LINE = "HTTP: http://127.0.0.1:";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;
    private final Path log;
    private final String bootstrapServers;
    private final int httpPort;
    private final Duration startupTime;
    private final List<String> command;

    private ServeProcess(Process process, Path log, String bootstrapServers, int httpPort, Duration startupTime,
            List<String> command) {
        this.process = process;
        this.log = log;
        this.bootstrapServers = bootstrapServers;
        this.httpPort = httpPort;
        this.startupTime = startupTime;
        this.command = command;
    }

    /** Starts serve with a fresh data directory under {@code dir}; returns once it printed both addresses. */
    public static ServeProcess start(Path jar, String heap, Map<String, String> config, Path dir)
            throws InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no serve jar at " + jar.toAbsolutePath() + ": build it with mvn package"
                    + " (or set --set=serveJar=...)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + heap, "-jar", jar.toAbsolutePath().toString(), "serve", "--data-dir",
                dir.resolve("data").toString(), "--port", "0", "--kafka-port", "0"));
        config.forEach((key, value) -> command.addAll(List.of("--config", key + "=" + value)));
        Path log = dir.resolve("serve.log");
        long begin = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
        CompletableFuture<String> bootstrap = new CompletableFuture<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("serve-stdout").start(() -> drain(process, dir.resolve("serve.out"),
                bootstrap, port));
        try {
            String servers = bootstrap.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            int http = port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new ServeProcess(process, log, servers, http, Duration.ofNanos(System.nanoTime() - begin),
                    List.copyOf(command));
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("serve did not print its addresses within " + START_TIMEOUT.toSeconds()
                    + " s (exit: " + (process.isAlive() ? "running" : process.exitValue()) + "); log in " + log, e);
        }
    }

    private static void drain(Process process, Path out, CompletableFuture<String> bootstrap,
            CompletableFuture<Integer> port) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); PrintWriter copy = new PrintWriter(Files.newBufferedWriter(out))) {
            String line;
            while ((line = in.readLine()) != null) {
                copy.println(line);
                copy.flush();
                if (line.startsWith(BOOTSTRAP_LINE)) {
                    bootstrap.complete(line.substring(BOOTSTRAP_LINE.length()).trim());
                } else if (line.startsWith(HTTP_LINE)) {
                    String rest = line.substring(HTTP_LINE.length());
                    port.complete(Integer.parseInt(rest.substring(0, rest.indexOf('/'))));
                }
            }
        } catch (IOException | RuntimeException e) {
            bootstrap.completeExceptionally(e);
            port.completeExceptionally(e);
            return;
        }
        IllegalStateException ended = new IllegalStateException("serve's output ended");
        bootstrap.completeExceptionally(ended);
        port.completeExceptionally(ended);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int httpPort() {
        return httpPort;
    }

    public long pid() {
        return process.pid();
    }

    public Duration startupTime() {
        return startupTime;
    }

    public List<String> command() {
        return command;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The ERROR and WARN lines serve has logged so far. */
    public LogTally tallyLog(int keep) {
        LogTally tally = new LogTally(keep);
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            lines.forEach(tally::accept);
        } catch (IOException | UncheckedIOException e) {
            // A log that cannot be read counts nothing; the caller reports the path.
        }
        return tally;
    }

    /** Stops serve (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
