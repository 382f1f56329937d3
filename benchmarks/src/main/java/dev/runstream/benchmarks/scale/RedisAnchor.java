package dev.runstream.benchmarks.scale;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.benchmarks.report.Latencies;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * The Redis Streams anchor: what a do-it-yourself user would do per run with Redis at the same Poisson rate. A
 * {@code redis-server} of its own (no persistence) on a free loopback port; per run a stream: a reader on a
 * connection of its own ({@code XREAD BLOCK}) from before the first chunk, {@code XADD} of each chunk's JSON, and
 * {@code EXPIRE} of the stream by the grace once the run ended. Run start: first {@code XADD} sent → the reader
 * has that entry.
 */
public final class RedisAnchor {

    public static final Path SERVER = Path.of("/usr/bin/redis-server");
    private static final int WRITERS = 8;

    /** What was measured. */
    public record Result(Arrivals.Outcome arrivals, Latencies runStart, Latencies perChunk, long maxStreams,
            long streamsAtEnd, long missed) {
    }

    private RedisAnchor() {
    }

    public static boolean available() {
        return Files.isExecutable(SERVER);
    }

    public static Result run(double rate, int runs, long seed, int workers, Duration grace,
            IntFunction<ScenarioRun> runFor, Path dir, ObjectNode details) throws InterruptedException,
            IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process server = new ProcessBuilder(SERVER.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        try {
            awaitPing(port);
            Latencies runStart = new Latencies();
            Latencies perChunk = new Latencies();
            AtomicLong missed = new AtomicLong();
            AtomicLong maxStreams = new AtomicLong();
            BlockingQueue<RespClient> writers = new ArrayBlockingQueue<>(WRITERS);
            for (int i = 0; i < WRITERS; i++) {
                writers.add(new RespClient("127.0.0.1", port));
            }
            RespClient admin = new RespClient("127.0.0.1", port);
            long graceSeconds = Math.max(1, grace.toSeconds());
            Arrivals.Outcome outcome = Arrivals.run(rate, runs, seed, workers, (index, due) -> {
                ScenarioRun run = runFor.apply(index);
                String key = "run:" + run.runId();
                AtomicLongArray sent = new AtomicLongArray(run.lines().size());
                CompletableFuture<Boolean> read = new CompletableFuture<>();
                CompletableFuture<Void> connected = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> read(port, key, sent, runStart, perChunk, connected, read));
                connected.get(10, TimeUnit.SECONDS);
                RespClient writer = writers.take();
                try {
                    for (int k = 0; k < sent.length(); k++) {
                        sent.set(k, System.nanoTime());
                        writer.call("XADD", key, "*", "chunk", run.lines().get(k));
                    }
                    writer.call("EXPIRE", key, Long.toString(graceSeconds));
                } finally {
                    writers.put(writer);
                }
                boolean ok = read.get(30, TimeUnit.SECONDS);
                if (!ok) {
                    missed.incrementAndGet();
                }
                if (index % 20 == 0) {
                    synchronized (admin) {
                        maxStreams.accumulateAndGet((Long) admin.call("DBSIZE"), Math::max);
                    }
                }
                return ok;
            });
            long atEnd = (Long) admin.call("DBSIZE");
            admin.close();
            for (RespClient writer : writers) {
                writer.close();
            }
            details.put("redisVersion", version(port));
            return new Result(outcome, runStart, perChunk, Math.max(maxStreams.get(), atEnd), atEnd, missed.get());
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Reads the stream from its start until it has {@code sent.length()} entries. */
    @SuppressWarnings("unchecked")
    private static void read(int port, String key, AtomicLongArray sent, Latencies runStart, Latencies perChunk,
            CompletableFuture<Void> connected, CompletableFuture<Boolean> done) {
        try (RespClient reader = new RespClient("127.0.0.1", port)) {
            reader.call("PING");
            connected.complete(null);
            String last = "0-0";
            int got = 0;
            while (got < sent.length()) {
                Object reply = reader.call("XREAD", "BLOCK", "10000", "STREAMS", key, last);
                long now = System.nanoTime();
                if (reply == null) {
                    done.complete(false);
                    return;
                }
                List<Object> entries = (List<Object>) ((List<Object>) ((List<Object>) reply).get(0)).get(1);
                for (Object entry : entries) {
                    last = (String) ((List<Object>) entry).get(0);
                    (got == 0 ? runStart : perChunk).recordNanos(now - sent.get(got));
                    got++;
                }
            }
            done.complete(true);
        } catch (IOException | RuntimeException e) {
            connected.complete(null);
            done.complete(false);
        }
    }

    private static void awaitPing(int port) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            try (RespClient client = new RespClient("127.0.0.1", port)) {
                if ("PONG".equals(client.call("PING"))) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("redis-server did not answer PING on port " + port + " within 15 s");
    }

    private static String version(int port) {
        try (RespClient client = new RespClient("127.0.0.1", port)) {
            String info = (String) client.call("INFO", "server");
            return info.lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
