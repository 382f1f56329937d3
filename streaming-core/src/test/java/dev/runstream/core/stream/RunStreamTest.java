package dev.runstream.core.stream;

import static dev.runstream.core.testing.Chunks.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.core.InvalidRunIdException;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.testing.Corpus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunStreamTest {

    /** A subscriber that asks for {@code batch} items at a time and records what it gets. */
    static final class Recorder<T> implements Flow.Subscriber<T> {
        final List<T> items = new CopyOnWriteArrayList<>();
        final long batch;
        final boolean requestMore;
        Flow.Subscription subscription;
        volatile boolean completed;
        volatile Throwable error;

        Recorder(long batch) {
            this(batch, true);
        }

        Recorder(long batch, boolean requestMore) {
            this.batch = batch;
            this.requestMore = requestMore;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(batch);
        }

        @Override
        public void onNext(T item) {
            items.add(item);
            if (requestMore && items.size() % batch == 0) {
                subscription.request(batch);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }

    @Test
    void shouldReplayEveryChunkToALateReaderAndThenGoOnLive() {
        RunStream stream = RunStream.create(RUN);
        stream.append(start());
        stream.append(stepStart());
        Recorder<Chunk> late = new Recorder<>(1);
        stream.fullStream().subscribe(late);
        assertThat(late.items).hasSize(2);
        stream.append(text("hi"));
        assertThat(late.items).hasSize(3);
        assertThat(late.completed).isFalse();
        stream.append(stepFinish("stop", 1, 1));
        stream.append(finish("stop", 1, 1));
        assertThat(late.items).extracting(Chunk::type)
                .containsExactly("start", "step-start", "text-delta", "step-finish", "finish");
        assertThat(late.completed).isTrue();
    }

    @Test
    void shouldDeliverNoMoreThanASubscriberRequested() {
        RunStream stream = RunStream.create(RUN);
        Recorder<Chunk> recorder = new Recorder<>(2, false);
        stream.fullStream().subscribe(recorder);
        for (int i = 0; i < 5; i++) {
            stream.append(text("t" + i));
        }
        assertThat(recorder.items).hasSize(2);
        recorder.subscription.request(10);
        assertThat(recorder.items).hasSize(5);
    }

    @Test
    void shouldCompleteTheAccessorsOnTheTerminalChunk() throws Exception {
        RunStream stream = RunStream.create(Corpus.RUN_ID);
        assertThat(stream.text()).isNotDone();
        Corpus.chunks("agent-tool", "chunks.ndjson").forEach(stream::append);
        assertThat(stream.text().get(1, TimeUnit.SECONDS)).isEqualTo("It is 21°C and sunny in Paris.");
        assertThat(stream.finishReason().get()).contains("stop");
        assertThat(stream.status().get()).isEqualTo(RunStatus.SUCCESS);
        assertThat(stream.usage().get().totalTokens()).hasValue(72);
        assertThat(stream.summary().get().chunkCount()).isEqualTo(20);
    }

    @Test
    void shouldStreamOnlyTextDeltasOnTheTextStream() {
        RunStream stream = RunStream.create(Corpus.RUN_ID);
        Recorder<String> text = new Recorder<>(Long.MAX_VALUE);
        stream.textStream().subscribe(text);
        Corpus.chunks("agent-text", "chunks.ndjson").forEach(stream::append);
        assertThat(String.join("", text.items)).isEqualTo("The capital of France is Paris.");
        assertThat(text.completed).isTrue();
    }

    @Test
    void shouldCompleteAWorkflowsResultOnWorkflowFinish() throws Exception {
        RunStream stream = RunStream.create(Corpus.RUN_ID);
        Corpus.chunks("workflow", "chunks.ndjson").forEach(stream::append);
        assertThat(stream.result().get().path("summary").asText()).isEqualTo("6 words, longest: streams");
        assertThat(stream.status().get()).isEqualTo(RunStatus.SUCCESS);
    }

    @Test
    void shouldEndAnErroredRunOnlyWhenTheSourceCloses() throws Exception {
        RunStream stream = RunStream.create(RUN);
        stream.append(start());
        stream.append(agent("error", "{\"error\":{\"message\":\"boom\"}}"));
        assertThat(stream.status()).isNotDone();
        stream.close();
        assertThat(stream.status().get()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void shouldGiveBlockingReadersTheWholeStreamFromAnotherThread() throws Exception {
        RunStream stream = RunStream.create(Corpus.RUN_ID);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<String>> reader = executor.submit(() -> stream.chunks().map(Chunk::type).toList());
            List<Chunk> chunks = Corpus.chunks("agent-text", "chunks.ndjson");
            chunks.forEach(stream::append);
            assertThat(reader.get(5, TimeUnit.SECONDS)).hasSize(chunks.size()).endsWith("finish");
        }
    }

    @Test
    void shouldRefuseChunksOfAnotherRunAndAfterTheEnd() {
        RunStream stream = RunStream.create(RUN);
        Chunk foreign = json("{\"type\":\"text-delta\",\"runId\":\"run-2\",\"payload\":{\"text\":\"x\"}}");
        assertThatThrownBy(() -> stream.append(foreign).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run-2");
        stream.append(finish("stop", 0, 0));
        assertThatThrownBy(() -> stream.append(text("late")).toCompletableFuture().join())
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseAnInvalidRunId() {
        assertThatThrownBy(() -> RunStream.create("../etc")).isInstanceOf(InvalidRunIdException.class)
                .hasMessageContaining("index 2");
    }

    @Test
    void shouldFailReadersAndAccessorsWhenTheSourceFails() {
        RunStream stream = RunStream.create(RUN);
        Recorder<Chunk> reader = new Recorder<>(10);
        stream.fullStream().subscribe(reader);
        stream.append(start());
        stream.fail(new IllegalStateException("broker gone"));
        assertThat(reader.items).hasSize(1);
        assertThat(reader.error).hasMessage("broker gone");
        assertThatThrownBy(() -> stream.text().get()).isInstanceOf(ExecutionException.class);
    }

    @Test
    void shouldNumberChunksInOrderOfArrival() {
        RunStream stream = RunStream.create(RUN);
        List<Long> sequences = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sequences.add(stream.append(text("x")).toCompletableFuture().join());
        }
        assertThat(sequences).containsExactly(0L, 1L, 2L, 3L);
        assertThat(stream.snapshot().lastSequence()).isEqualTo(3);
    }
}
