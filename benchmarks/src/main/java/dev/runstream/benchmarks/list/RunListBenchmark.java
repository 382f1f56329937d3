package dev.runstream.benchmarks.list;

import dev.runstream.bridge.aggregate.RunActivityIndex;
import dev.runstream.bridge.avro.RunSummaryMapper;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One page of {@code GET /v1/runs} (51 runs: a page of 50 and whether more follow) out of {@code runs} stored runs
 * (JMH, time per page): from the aggregator's {@link RunActivityIndex}, as the route answers now, against the read of
 * every summary it did before — each stored summary decoded from its Avro bytes ({@code ConfluentAvroSerde} and
 * {@code RunSummaryMapper}, as the store's serde does), filtered and sorted. One run in ten is running, one in seven
 * failed, the rest succeeded; run ids are UUIDs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RunListBenchmark {

    static final int PAGE = 51;
    private static final Comparator<RunSummary> LIST_ORDER = Comparator
            .comparing((RunSummary s) -> s.lastChunkAt().orElse(Instant.EPOCH)).reversed()
            .thenComparing(RunSummary::runId);

    @Param({"100000", "1000000"})
    public int runs;

    private RunActivityIndex index;
    private byte[][] stored;
    private ConfluentAvroSerde<dev.runstream.avro.RunSummary> serde;

    @Setup
    public void setUp() {
        System.getProperties().putIfAbsent("org.apache.avro.SERIALIZABLE_PACKAGES", "dev.runstream");
        serde = new ConfluentAvroSerde<>(dev.runstream.avro.RunSummary.class,
                dev.runstream.avro.RunSummary.getClassSchema(), new InMemorySchemaRegistry());
        index = new RunActivityIndex();
        stored = new byte[runs][];
        for (int i = 0; i < runs; i++) {
            RunSummary summary = summary(i);
            index.update(summary);
            stored[i] = serde.encode(RunSummaryMapper.toRecord(summary));
        }
    }

    static RunSummary summary(int i) {
        String runId = new java.util.UUID(0x5eedL * i, i).toString();
        Instant at = Instant.ofEpochMilli(1_790_000_000_000L + i * 37L);
        RunFold.Accumulator fold = RunFold.accumulator(runId);
        fold.accept(new StoredChunk(runId, 0, at, MastraChunkCodec.decode("{\"type\":\"start\",\"runId\":\"" + runId
                + "\",\"from\":\"AGENT\",\"payload\":{\"id\":\"agent\"}}")));
        if (i % 10 != 0) {
            String end = i % 7 == 0 ? "{\"type\":\"error\",\"runId\":\"" + runId
                    + "\",\"from\":\"AGENT\",\"payload\":{\"error\":{\"message\":\"boom\"}}}"
                    : "{\"type\":\"finish\",\"runId\":\"" + runId + "\",\"from\":\"AGENT\",\"payload\":{\"stepResult\":"
                    + "{\"reason\":\"stop\"},\"output\":{\"usage\":{\"inputTokens\":12,\"outputTokens\":7}}}}";
            fold.accept(new StoredChunk(runId, 1, at, MastraChunkCodec.decode(end)));
        }
        return fold.summary();
    }

    @Benchmark
    public List<RunActivityIndex.Entry> indexFirstPage() {
        return index.page(Set.of(), "", null, PAGE);
    }

    @Benchmark
    public List<RunActivityIndex.Entry> indexFailedPage() {
        return index.page(EnumSet.of(RunStatus.FAILED), "", null, PAGE);
    }

    @Benchmark
    public List<RunSummary> scanFirstPage() {
        return scan(Set.of());
    }

    @Benchmark
    public List<RunSummary> scanFailedPage() {
        return scan(EnumSet.of(RunStatus.FAILED));
    }

    private List<RunSummary> scan(Set<RunStatus> statuses) {
        java.util.ArrayList<RunSummary> all = new java.util.ArrayList<>();
        for (byte[] bytes : stored) {
            RunSummary summary = RunSummaryMapper.fromRecord(serde.decode(bytes));
            if (statuses.isEmpty() || statuses.contains(summary.status())) {
                all.add(summary);
            }
        }
        all.sort(LIST_ORDER);
        return all.subList(0, Math.min(PAGE, all.size()));
    }
}
