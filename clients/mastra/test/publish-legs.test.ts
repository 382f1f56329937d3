import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Runstream, RunstreamRefusedError, type ChunkSource } from '../src/index.js';
import { readRunSse, RUNSTREAM_URL, sequences } from './support/runs.js';

const runstream = new Runstream({ url: RUNSTREAM_URL });

/** An output whose stream gives `chunks` and then stays open (`end: false`) or ends; `cancelled` records cancel. */
function source(runId: string, chunks: object[], end = true) {
  const state: { cancelled: unknown } = { cancelled: undefined };
  const output: ChunkSource = {
    runId,
    fullStream: new ReadableStream<unknown>({
      start(controller) {
        chunks.forEach((chunk) => controller.enqueue(chunk));
        if (end) {
          controller.close();
        }
      },
      cancel(reason) {
        state.cancelled = reason ?? 'cancelled';
      },
    }),
  };
  return { output, state };
}

const delta = (runId: string, text: string) => ({ type: 'text-delta', runId, from: 'AGENT', payload: { id: 't', text } });

describe('publish, several legs of a run', () => {
  it('shouldNumberASecondLegOnFromTheFirstLegsNextSequence', async () => {
    const runId = `legs-${randomUUID()}`;
    const first = await runstream.publish(source(runId, [delta(runId, 'a'), delta(runId, 'b')]).output);
    assert.equal(first.nextSequence, 2);
    const second = await runstream.publish(source(runId, [delta(runId, 'c'), { type: 'finish', runId, from: 'AGENT',
      payload: { stepResult: { reason: 'stop' }, output: { usage: {} } } }]).output,
    { firstSequence: first.nextSequence });
    assert.deepEqual([second.firstSequence, second.nextSequence], [2, 4]);
    const replay = await readRunSse(runId);
    assert.deepEqual(sequences(replay), [0, 1, 2, 3]);
    assert.deepEqual(replay.slice(0, 3).map((event) => (event.chunk.payload as { text: string }).text), ['a', 'b', 'c']);
  });

  it('shouldRefuseALegThatStartsPastTheRunsEndAsASequenceConflict', async () => {
    const runId = `gap-${randomUUID()}`;
    const refusal = await runstream.publish(source(runId, [delta(runId, 'a')]).output, { firstSequence: 5 })
      .then(() => assert.fail('a gap must be refused'), (error: unknown) => error);
    assert.ok(refusal instanceof RunstreamRefusedError, String(refusal));
    assert.equal(refusal.status, 409);
    assert.equal(refusal.code, 'sequence_conflict');
    assert.equal(refusal.sequence, 5);
  });

  it('shouldStopReadingTheOutputOnceRunstreamRefusedAChunk', async () => {
    const runId = `stop-${randomUUID()}`;
    const { output, state } = source(runId, [delta(runId, 'a'), delta('another-run', 'b')], false);
    const refusal = await runstream.publish(output)
      .then(() => assert.fail('a chunk of another run must be refused'), (error: unknown) => error);
    assert.ok(refusal instanceof RunstreamRefusedError, String(refusal));
    assert.equal(refusal.sequence, 1);
    assert.match(refusal.rejections[0]!.reason, /belongs to run 'another-run'/);
    assert.equal(state.cancelled, refusal);
  });
});
