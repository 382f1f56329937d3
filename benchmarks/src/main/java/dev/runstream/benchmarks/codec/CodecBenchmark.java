package dev.runstream.benchmarks.codec;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.benchmarks.load.ChunkMix;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.chunk.StoredChunk;
import java.time.Instant;
import java.util.List;
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
 * One chunk through each codec (JMH, time per chunk): Runstream's Avro path — {@code ChunkRecordMapper} and
 * {@code ConfluentAvroSerde}, both ways, as the publisher and the readers use them — against Jackson's JSON of the
 * same chunk ({@code MastraChunkCodec}, Mastra's own form). Each call takes the next chunk of the input, cycling:
 * {@code corpus} is every chunk of the Mastra 1.71 corpus (its size and type mix), {@code text-delta} one token chunk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    /** The input: {@code corpus} or {@code text-delta}. */
    @Param({"corpus", "text-delta"})
    public String chunks;

    private StoredChunk[] stored;
    private byte[][] avro;
    private byte[][] json;
    private ConfluentAvroSerde<ChunkRecord> serde;
    private int next;

    @Setup
    public void setUp() {
        System.getProperties().putIfAbsent("org.apache.avro.SERIALIZABLE_PACKAGES", "dev.runstream");
        serde = new ConfluentAvroSerde<>(ChunkRecord.class, ChunkRecord.getClassSchema(), new InMemorySchemaRegistry());
        List<StoredChunk> input = input(chunks);
        stored = input.toArray(StoredChunk[]::new);
        avro = new byte[stored.length][];
        json = new byte[stored.length][];
        for (int i = 0; i < stored.length; i++) {
            avro[i] = serde.encode(ChunkRecordMapper.toRecord(stored[i]));
            json[i] = MastraChunkCodec.encodeBytes(stored[i].chunk());
        }
    }

    /** The chunks of an input name, numbered and timestamped as the publisher would. */
    public static List<StoredChunk> input(String name) {
        ChunkMix mix = ChunkMix.corpus();
        String runId = ChunkMix.runId(0);
        List<Chunk> chunks = switch (name) {
            case "corpus" -> mix.corpusFor(runId);
            case "text-delta" -> List.of(mix.textDeltaFor(runId));
            default -> throw new IllegalArgumentException("unknown input '" + name + "'");
        };
        Instant now = Instant.now();
        return java.util.stream.IntStream.range(0, chunks.size())
                .mapToObj(i -> new StoredChunk(runId, i, now, chunks.get(i))).toList();
    }

    private int next() {
        int current = next;
        next = current + 1 == stored.length ? 0 : current + 1;
        return current;
    }

    @Benchmark
    public byte[] avroEncode() {
        return serde.encode(ChunkRecordMapper.toRecord(stored[next()]));
    }

    @Benchmark
    public StoredChunk avroDecode() {
        return ChunkRecordMapper.toStoredChunk(serde.decode(avro[next()]));
    }

    @Benchmark
    public byte[] jsonEncode() {
        return MastraChunkCodec.encodeBytes(stored[next()].chunk());
    }

    @Benchmark
    public Chunk jsonDecode() {
        return MastraChunkCodec.decode(json[next()]);
    }
}
