package dev.runstream.benchmarks.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.avro.ChunkRecord;
import dev.runstream.benchmarks.BenchSettings;
import dev.runstream.benchmarks.JmhRunner;
import dev.runstream.benchmarks.report.Figure;
import dev.runstream.benchmarks.report.Report;
import dev.runstream.benchmarks.report.Target;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.chunk.StoredChunk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;

/** Runs {@link CodecBenchmark} with JMH (forked JVMs) and adds its figures, with bytes per chunk, to the report. */
public final class CodecRun {

    private final BenchSettings settings;
    private final Report report;

    public CodecRun(BenchSettings settings, Report report) {
        this.settings = settings;
        this.report = report;
    }

    public void run() {
        Map<String, RunResult> results = JmhRunner.run(CodecBenchmark.class, "chunks", settings, "1g");
        Map<String, Double> scores = new HashMap<>();
        ObjectNode details = report.details("codec");
        results.forEach((key, result) -> {
            scores.put(key, result.getPrimaryResult().getScore());
            details.putObject(key).put("nsPerChunk", result.getPrimaryResult().getScore())
                    .put("error99", result.getPrimaryResult().getScoreError())
                    .put("unit", result.getPrimaryResult().getScoreUnit());
        });
        String note = "JMH " + settings.jmhForks() + " fork(s), " + settings.jmhIterations() + "×"
                + settings.jmhIterationTime().toMillis() + " ms; anchor: Jackson JSON (MastraChunkCodec)";
        for (String input : List.of("corpus", "text-delta")) {
            double[] bytes = bytesPerChunk(input);
            String name = "codec, " + (input.equals("corpus") ? "corpus mix" : "text-delta");
            report.add(Figure.of(name, "encode ns/chunk", score(scores, input, "avroEncode"),
                    score(scores, input, "jsonEncode"), Target.none(), note));
            report.add(Figure.of(name, "decode ns/chunk", score(scores, input, "avroDecode"),
                    score(scores, input, "jsonDecode"), Target.none(), ""));
            report.add(Figure.of(name, "bytes/chunk", bytes[0], bytes[1], Target.none(),
                    "Confluent frame (5-byte header + Avro) vs Mastra JSON"));
            details.put(input + "/avroBytesPerChunk", bytes[0]).put(input + "/jsonBytesPerChunk", bytes[1]);
        }
    }

    private static double score(Map<String, Double> scores, String input, String method) {
        Double score = scores.get(input + "/" + method);
        if (score == null) {
            throw new IllegalStateException("JMH gave no result for " + input + "/" + method);
        }
        return score;
    }

    /** Mean Avro frame and JSON sizes of an input's chunks. */
    static double[] bytesPerChunk(String input) {
        ConfluentAvroSerde<ChunkRecord> serde = new ConfluentAvroSerde<>(ChunkRecord.class,
                ChunkRecord.getClassSchema(), new InMemorySchemaRegistry());
        List<StoredChunk> chunks = CodecBenchmark.input(input);
        double avro = 0;
        double json = 0;
        for (StoredChunk chunk : chunks) {
            avro += serde.encode(ChunkRecordMapper.toRecord(chunk)).length;
            json += MastraChunkCodec.encodeBytes(chunk.chunk()).length;
        }
        return new double[] {avro / chunks.size(), json / chunks.size()};
    }
}
