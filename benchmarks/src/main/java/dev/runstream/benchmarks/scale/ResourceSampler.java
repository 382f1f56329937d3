package dev.runstream.benchmarks.scale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;

/**
 * Samples the serve process every interval: run topics (names starting {@code <prefix>.run.}), open files, memory
 * maps, heap in use (its {@code /metrics}; -1 when the scrape took longer than the interval), resident memory,
 * and the runs and chunks acknowledged so far.
 */
public final class ResourceSampler implements AutoCloseable {

    /** One sample; -1 where a figure could not be read. */
    public record Sample(double seconds, long runTopics, long openFiles, long maps, long heapBytes, long rssBytes,
            long runs, double runsPerSecond, double chunksPerSecond, long metricsBytes, double metricsSeconds) {
    }

    private final long pid;
    private final Admin admin;
    private final String topicPrefix;
    private final RunClient client;
    private final AtomicLong runs;
    private final AtomicLong chunks;
    private final long intervalNanos;
    private final long origin = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public ResourceSampler(long pid, Admin admin, String topicPrefix, RunClient client, AtomicLong runs,
            AtomicLong chunks, java.time.Duration interval) {
        this.pid = pid;
        this.admin = admin;
        this.topicPrefix = topicPrefix;
        this.client = client;
        this.runs = runs;
        this.chunks = chunks;
        this.intervalNanos = interval.toNanos();
        this.thread = Thread.ofPlatform().daemon().name("scale-sampler").start(this::loop);
    }

    private void loop() {
        long lastRuns = runs.get();
        long lastChunks = chunks.get();
        long last = System.nanoTime();
        sample(0, 0, 1);
        while (running) {
            try {
                TimeUnit.NANOSECONDS.sleep(intervalNanos);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long r = runs.get();
            long c = chunks.get();
            Sample s = sample(r - lastRuns, c - lastChunks, (now - last) / 1e9);
            if (!running) {
                return;
            }
            System.out.println(format(s));
            System.out.flush();
            lastRuns = r;
            lastChunks = c;
            last = now;
        }
    }

    private Sample sample(long newRuns, long newChunks, double seconds) {
        long scrapeStart = System.nanoTime();
        // A scrape may take no longer than the interval, so that the other figures keep their pace.
        java.util.Optional<String> metrics = client.metrics(java.time.Duration.ofNanos(Math.max(intervalNanos,
                2_000_000_000L)));
        double scrapeSeconds = (System.nanoTime() - scrapeStart) / 1e9;
        long heap = metrics.flatMap(text -> {
            var used = PrometheusHeap.usedBytes(text);
            return used.isPresent() ? java.util.Optional.of((long) used.getAsDouble()) : java.util.Optional.empty();
        }).orElse(-1L);
        Sample s = new Sample((System.nanoTime() - origin) / 1e9, runTopics(), ProcStats.openFiles(pid),
                ProcStats.memoryMaps(pid), heap, ProcStats.residentBytes(pid), runs.get(), newRuns / seconds,
                newChunks / seconds, metrics.map(String::length).orElse(-1), scrapeSeconds);
        if (!running) {
            return s; // cut short by close(): its figures read -1, it is not kept
        }
        synchronized (samples) {
            samples.add(s);
        }
        return s;
    }

    private long runTopics() {
        try {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(topicPrefix)).count();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return -1;
        }
    }

    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** A progress line of one sample. */
    public static String format(Sample s) {
        return String.format(Locale.ROOT, "[scale] t=%5.0fs topics=%6d fds=%6d maps=%6d heap=%6.0fMB rss=%6.0fMB "
                + "runs=%8d runs/s=%7.1f chunks/s=%8.1f /metrics=%.0fkB in %.1fs", s.seconds(), s.runTopics(),
                s.openFiles(), s.maps(), s.heapBytes() / 1e6, s.rssBytes() / 1e6, s.runs(), s.runsPerSecond(),
                s.chunksPerSecond(), s.metricsBytes() / 1e3, s.metricsSeconds());
    }

    /** The samples as a text table. */
    public String table() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%8s %8s %8s %8s %9s %9s %10s %8s %10s %10s %9s%n", "t (s)", "topics", "fds", "maps", "heap MB",
                "RSS MB", "runs", "runs/s", "chunks/s", "metrics kB", "scrape s"));
        for (Sample s : samples()) {
            out.append(String.format(Locale.ROOT, "%8.0f %8d %8d %8d %9.0f %9.0f %10d %8.1f %10.1f %10.0f %9.1f%n",
                    s.seconds(), s.runTopics(), s.openFiles(), s.maps(), s.heapBytes() / 1e6, s.rssBytes() / 1e6,
                    s.runs(), s.runsPerSecond(), s.chunksPerSecond(), s.metricsBytes() / 1e3, s.metricsSeconds()));
        }
        return out.toString();
    }

    public ArrayNode toJson() {
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (Sample s : samples()) {
            rows.addObject().put("seconds", s.seconds()).put("runTopics", s.runTopics())
                    .put("openFiles", s.openFiles()).put("memoryMaps", s.maps()).put("heapUsedBytes", s.heapBytes())
                    .put("rssBytes", s.rssBytes()).put("runs", s.runs()).put("runsPerSecond", s.runsPerSecond())
                    .put("chunksPerSecond", s.chunksPerSecond()).put("metricsBytes", s.metricsBytes())
                    .put("metricsScrapeSeconds", s.metricsSeconds());
        }
        return rows;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        Checks.joinQuietly(thread);
    }
}
