package dev.runstream.bridge.http.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.publish.PublishedChunk;
import dev.runstream.core.ChunkDecodeException;
import dev.runstream.core.RunIds;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.ChunkBodyFormat;
import dev.runstream.core.chunk.ChunkBodyReader;
import dev.runstream.core.fold.RunSummaryJson;
import dev.runstream.core.json.Json;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/runs/{runId}/chunks}: a Mastra chunk stream in any {@link ChunkBodyFormat}, published chunk by
 * chunk as the body arrives. Each chunk stands alone: a bad one is rejected (its index, line and reason in the
 * reply) and its valid neighbours are stored. Status: 200 when every chunk was stored (or already was); 422 when
 * some were rejected (the reply says which, and that the others are stored); 409 when the only rejections are
 * sequence conflicts; 415 for a body whose format cannot be told.
 *
 * <p>Idempotency: a writer that gives the position of the body's first chunk in its run ({@code
 * Runstream-First-Sequence} header or {@code firstSequence} query parameter) can send the same body again after a
 * network failure: chunks already stored are counted as duplicates and not written twice, across restarts and
 * instances. Without it, chunks are appended.
 *
 * <p>Cancel: every reply carries {@code cancel}, the run's cancel request this instance heard ({@code null} when
 * none): a writer that sees one ends its run (Mastra's {@code abort}, then {@code finish}).
 */
public final class IngestHandler implements Handler {

    public static final String FIRST_SEQUENCE_HEADER = "Runstream-First-Sequence";

    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);

    private final KafkaRunPublisher publisher;
    private final int maxChunkBytes;
    private final BridgeMetrics metrics;
    private final RunControlHandlers control;

    public IngestHandler(KafkaRunPublisher publisher, int maxChunkBytes, BridgeMetrics metrics,
            RunControlHandlers control) {
        this.publisher = publisher;
        this.maxChunkBytes = maxChunkBytes;
        this.metrics = metrics;
        this.control = control;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        String runId = RunIds.requireValid(ctx.pathParam("runId"));
        Optional<ChunkBodyFormat> declared = declaredFormat(ctx.header("Content-Type"));
        OptionalLong firstSequence = firstSequence(ctx);
        ChunkBodyReader reader;
        try {
            reader = ChunkBodyReader.open(ctx.req().getInputStream(), declared, maxChunkBytes);
        } catch (ChunkDecodeException e) {
            throw new ApiException(415, "unsupported_media_type", "run '" + runId + "': " + e.reason());
        }
        IngestReport report = new IngestReport(runId, metrics);
        long next = firstSequence.orElse(0);
        try {
            while (reader.hasNext()) {
                ChunkBodyReader.Item item = reader.next();
                if (item.error().isPresent()) {
                    report.reject(item.index(), item.line(), item.error().get().getMessage());
                    continue;
                }
                Chunk chunk = item.chunk().orElseThrow();
                Optional<String> claimed = chunk.runId();
                if (claimed.isPresent() && !claimed.get().equals(runId)) {
                    report.reject(item.index(), item.line(), "the chunk belongs to run '" + claimed.get()
                            + "', not to run '" + runId + "'");
                    continue;
                }
                CompletionStage<PublishedChunk> stage = firstSequence.isPresent()
                        ? publisher.acceptAt(runId, next++, chunk)
                        : publisher.accept(runId, chunk).thenApply(seq -> new PublishedChunk(runId, seq, false));
                report.track(item.index(), item.line(), stage);
            }
        } catch (UncheckedIOException e) {
            LOG.info("Run '{}': the request body broke off ({}); what was read is stored", runId,
                    e.getCause().getMessage());
        }
        if (!report.awaitSettled(IngestReport.settleTimeout())) {
            throw new ApiException(503, "publish_timeout", "run '" + runId + "': Kafka did not acknowledge the "
                    + "chunks within " + IngestReport.settleTimeout().toSeconds() + " s; retry with "
                    + FIRST_SEQUENCE_HEADER + " to avoid duplicates");
        }
        answer(ctx, runId, reader.format(), report);
    }

    private void answer(Context ctx, String runId, ChunkBodyFormat format, IngestReport report) {
        ObjectNode json = report.toJson(format.name().toLowerCase(Locale.ROOT));
        // The writer learns of a cancel request on its next reply: it should end the run (abort, then finish).
        control.heard(runId).ifPresentOrElse(cancel -> json.set("cancel", RunSummaryJson.cancelJson(cancel)),
                () -> json.putNull("cancel"));
        long rejected = report.rejected();
        if (rejected == 0) {
            ctx.status(200).contentType("application/json").result(Json.write(json));
            return;
        }
        if (report.onlyUnresumable()) {
            ApiErrors.write(ctx, 503, "resume_failed", "run '" + runId + "': " + rejected + " chunk(s) not stored, "
                    + json.get("accepted").asLong() + " stored: the run could not be resumed now; retry from "
                    + "nextSequence", json);
            return;
        }
        boolean conflict = report.onlyConflicts();
        ApiErrors.write(ctx, conflict ? 409 : 422, conflict ? "sequence_conflict" : "chunks_rejected",
                "run '" + runId + "': " + rejected + " chunk(s) rejected, " + json.get("accepted").asLong()
                        + " stored" + (conflict ? " (the body's numbering does not follow the run's: see "
                        + "nextSequence)" : "; the rejected ones are listed in details.rejections"), json);
    }

    private static Optional<ChunkBodyFormat> declaredFormat(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.empty();
        }
        Optional<ChunkBodyFormat> format = ChunkBodyFormat.ofMediaType(contentType);
        if (format.isPresent()) {
            return format;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (mediaType.equals("text/plain") || mediaType.equals("application/octet-stream")) {
            return Optional.empty();
        }
        throw new ApiException(415, "unsupported_media_type", "content type '" + mediaType + "' is not a chunk "
                + "stream: send application/x-ndjson, application/json (an array), text/event-stream or "
                + "application/json-seq (or text/plain, told apart by its first bytes)");
    }

    private static OptionalLong firstSequence(Context ctx) {
        String value = ctx.header(FIRST_SEQUENCE_HEADER);
        if (value == null) {
            value = ctx.queryParam("firstSequence");
        }
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            long sequence = Long.parseLong(value.trim());
            if (sequence < 0) {
                throw new NumberFormatException();
            }
            return OptionalLong.of(sequence);
        } catch (NumberFormatException e) {
            throw new ApiException(400, "bad_request", FIRST_SEQUENCE_HEADER + " must be a number >= 0, was '"
                    + value + "'");
        }
    }
}
