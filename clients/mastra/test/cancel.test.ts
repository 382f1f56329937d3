import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Runstream, RunCanceledError, type ChunkSource } from '../src/index.js';
import { textAgent } from './support/mastra-fixtures.js';
import { CANCEL_GRACE_MS } from './support/serve.js';
import { endedSummary, readAll, readRunSse, RUNSTREAM_URL } from './support/runs.js';

const runstream = new Runstream({ url: RUNSTREAM_URL });

async function summaryExists(runId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await runstream.summary(runId)) === undefined) {
    if (Date.now() > deadline) {
      throw new Error(`run ${runId} has no summary after 60 s`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('cancel', () => {
  it('shouldAbortAMastraAgentRunWhenItIsCanceledThroughRunstream', async () => {
    const runId = `cancel-agent-${Date.now()}`;
    const watch = runstream.watchCancel(runId);
    const deltas = Array.from({ length: 200 }, (_, i) => ` w${i}`);
    const out = await textAgent(deltas, 25).stream('Count.', { runId, abortSignal: watch.signal } as never);
    const published = runstream.publish(out);
    const seenPromise = readAll(out.fullStream);
    await summaryExists(runId);

    const reply = await runstream.cancel(runId, 'user pressed stop');
    assert.equal(reply.outcome, 'requested');
    assert.equal(reply.cancel?.reason, 'user pressed stop');
    const [outcome, seen, finishReason] = await Promise.all([published, seenPromise, out.finishReason]);
    watch.stop();
    assert.ok(watch.signal.aborted);
    assert.ok(watch.signal.reason instanceof RunCanceledError);
    assert.equal((watch.signal.reason as RunCanceledError).cancel.cancelId, reply.cancel?.cancelId);
    assert.equal(finishReason, 'aborted', 'Mastra ended the run as an aborted one');
    const types = seen.map((chunk) => chunk.type);
    assert.deepEqual(types.slice(-2), ['abort', 'finish']);
    assert.ok(types.filter((type) => type === 'text-delta').length < deltas.length, 'stopped before its end');
    assert.equal(outcome.chunks, seen.length);

    const summary = await endedSummary(runId);
    assert.equal(summary.status, 'canceled');
    assert.equal(summary.finishReason, 'aborted');
    assert.deepEqual(summary.cancel, reply.cancel);
    await new Promise((done) => setTimeout(done, CANCEL_GRACE_MS + 2_500));
    const replay = (await readRunSse(runId)).map((event) => event.chunk);
    assert.deepEqual(replay.map((chunk) => chunk.type), types, 'Runstream added nothing: the app ended the run');
    assert.deepEqual(await runstream.cancel(runId), { runId, outcome: 'already_ended', status: 'canceled',
      message: `run '${runId}' had already ended (canceled): nothing to cancel, nothing was done` });
  });

  it('shouldEndARunWhoseWriterIsGoneAfterTheGrace', async () => {
    const runId = `cancel-gone-${Date.now()}`;
    const out = await textAgent(['Half', ' an answer'], 1).stream('Go.', { runId } as never);
    const all = await readAll(out.fullStream);
    // A writer that sent the start of its run and went away: no finish ever comes from it.
    const cut = all.slice(0, all.findIndex((chunk) => chunk.type === 'text-delta') + 1);
    const gone: ChunkSource = { runId, fullStream: new ReadableStream({ start(c) { cut.forEach((x) => c.enqueue(x)); c.close(); } }) };
    await runstream.publish(gone);
    await summaryExists(runId);
    const asked = Date.now();
    const reply = await runstream.cancel(runId);
    assert.equal(reply.outcome, 'requested');

    const summary = await endedSummary(runId);
    assert.ok(Date.now() - asked >= CANCEL_GRACE_MS - 500, 'ended by Runstream after the grace, not before');
    assert.equal(summary.status, 'canceled');
    assert.equal(summary.text, 'Half');
    const replay = (await readRunSse(runId)).map((event) => event.chunk);
    assert.deepEqual(replay.map((chunk) => chunk.type).slice(-2), ['abort', 'finish']);
    const note = (replay.at(-2)!.payload as Record<string, Record<string, unknown>>).runstream!;
    assert.equal(note.endedBy, 'runstream');
    assert.equal(note.cancelId, reply.cancel?.cancelId);
    assert.equal((replay.at(-1)!.payload as Record<string, Record<string, unknown>>).stepResult!.reason, 'tripwire');
  });
});
