package dev.runstream.benchmarks.sse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The benchmark's side of an {@link SseBridgeProcess}: starts it, measures it, stops it. */
final class SseBridgeHandle implements AutoCloseable {

    /** One answer to {@code MEASURE}. */
    record Measure(long heapAfterGcBytes, long cpuNanos, long cpuAfterNanos, int followers, int threads,
            long atNanos) {
    }

    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final int port;

    private SseBridgeHandle(Process process) throws IOException {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String ready = awaitLine("READY ");
        this.port = Integer.parseInt(ready.substring("READY ".length()).trim());
    }

    /** Starts the bridge with {@code heap} as -Xmx (e.g. {@code 1g}). */
    static SseBridgeHandle start(String heap, String bootstrap, String prefix, String registryTopic) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.runstream",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.logFile=System.err",
                "--enable-native-access=ALL-UNNAMED"));
        // e.g. -Dbench.sse.jvmArgs=-XX:StartFlightRecording=filename=/tmp/sse.jfr to profile the bridge
        String extra = System.getProperty("bench.sse.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SseBridgeProcess.class.getName(),
                bootstrap, prefix, registryTopic));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new SseBridgeHandle(process);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the SSE bridge process", e);
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Measure measure() {
        in.println("MEASURE");
        String line = awaitLine("MEASURE ");
        Map<String, Long> values = new HashMap<>();
        for (String pair : line.substring("MEASURE ".length()).trim().split(" ")) {
            String[] kv = pair.split("=", 2);
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        return new Measure(values.get("heapAfterGc"), values.get("cpuNanos"), values.get("cpuAfterNanos"),
                values.get("followers").intValue(), values.get("threads").intValue(), System.nanoTime());
    }

    /** The process's CPU time now, in nanoseconds. */
    long cpuNanos() {
        in.println("CPU");
        return Long.parseLong(awaitLine("CPU ").substring("CPU ".length()).trim());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private String awaitLine(String prefix) {
        try {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new IllegalStateException("the SSE bridge process ended (exit " + exitCode() + ") before '"
                    + prefix.trim() + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            in.println("QUIT");
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroy();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroy();
            }
        }
    }
}
