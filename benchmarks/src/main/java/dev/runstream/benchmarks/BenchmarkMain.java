package dev.runstream.benchmarks;

import dev.runstream.benchmarks.load.ChunkMix;
import dev.runstream.benchmarks.report.Report;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the benchmarks: {@code java -jar benchmarks/target/runstream-benchmarks.jar [--quick|--full]
 * [--only=publish,live,...] [--out=FILE]}. Prints a table of every figure beside its raw-Kafka anchor and writes
 * them, with every round's details, as JSON (by default {@code results.json} next to the jar).
 */
public final class BenchmarkMain {

    /** Avro 1.12 refuses to instantiate generated classes outside trusted packages; set before Avro loads. */
    public static final String AVRO_TRUSTED_PACKAGES = "org.apache.avro.SERIALIZABLE_PACKAGES";
    private static final long MIN_MEMORY_DIR_BYTES = 8L << 30;

    private BenchmarkMain() {
    }

    public static void main(String[] args) {
        prepareSystemProperties();
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, defaultOutput());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        Report report = new Report(environment(options));
        boolean ok = BenchRun.run(options, ChunkMix.corpus(), report);
        System.out.println();
        System.out.print(report.table());
        report.writeJson(options.output());
        System.out.println();
        System.out.println("results: " + options.output().toAbsolutePath());
        System.exit(ok ? 0 : 1);
    }

    /** Trusted Avro packages and quiet logging, unless set on the command line. */
    static void prepareSystemProperties() {
        System.getProperties().putIfAbsent(AVRO_TRUSTED_PACKAGES, "dev.runstream");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    }

    private static Path defaultOutput() {
        try {
            Path location = Path.of(BenchmarkMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.getParent().resolve("results.json");
        } catch (java.net.URISyntaxException | SecurityException e) {
            return Path.of("results.json");
        }
    }

    /** {@code kafka-bridge/target/runstream.jar} of the checkout this jar was built in, else of the working directory. */
    static Path serveJar() {
        Path relative = Path.of("kafka-bridge", "target", "runstream.jar");
        try {
            Path location = Path.of(BenchmarkMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = location.getParent() == null ? null : location.getParent().getParent();
            if (root != null && root.getParent() != null && Files.isRegularFile(root.getParent().resolve(relative))) {
                return root.getParent().resolve(relative);
            }
        } catch (java.net.URISyntaxException | SecurityException e) {
            // fall back to the working directory
        }
        return relative;
    }

    private static Map<String, Object> environment(BenchOptions options) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("mode", options.settings().mode());
        env.put("startedAt", Instant.now().toString());
        env.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        env.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        env.put("javaVersion", System.getProperty("java.version"));
        env.put("javaVm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        env.put("jvmArguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
        env.put("memoryTotalBytes", totalMemory());
        env.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        env.put("settings", options.settings().describe());
        env.put("scaleSettings", options.scale().describe());
        env.put("only", options.only());
        env.put("runstreamConfig", options.runstreamConfig());
        return env;
    }

    private static long totalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }

    /**
     * A new directory for the broker's data under {@code parent}, or by default under {@code /dev/shm} (memory) when
     * it has room, else the temporary directory. On these machines' virtual disk the broker's appends stalled for
     * seconds at random (produce request latency up to 5.3 s, on tmpfs at most 0.4 s), hitting whichever side ran
     * then: the benchmarks measure Runstream and Kafka, not the disk.
     */
    static Path brokerDir(Path parent) {
        try {
            Path base = parent;
            if (base == null) {
                Path shm = Path.of("/dev/shm");
                base = Files.isDirectory(shm) && Files.isWritable(shm)
                        && Files.getFileStore(shm).getUsableSpace() > MIN_MEMORY_DIR_BYTES
                        ? shm : Path.of(System.getProperty("java.io.tmpdir"));
            }
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "runstream-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
