import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MastraClient } from '@mastra/client-js';
import {
  Runstream,
  RunstreamBufferOverflowError,
  RunstreamRefusedError,
  type PublishOutcome,
} from '../src/index.js';
import { FaultyProxy } from './support/proxy.js';
import { textAgent, threeStepWorkflow, toolAgent } from './support/mastra-fixtures.js';
import { MAX_CHUNK_BYTES } from './support/serve.js';
import { endedSummary, persisted, readAll, readRunSse, RUNSTREAM_URL, sequences } from './support/runs.js';

const runstream = new Runstream({ url: RUNSTREAM_URL });
const proxies: FaultyProxy[] = [];
after(() => Promise.all(proxies.map((proxy) => proxy.close())));

/** What Runstream stored and serves back must be exactly what the app read, each chunk once, in order. */
async function assertStoredAsSeen(runId: string, seen: Record<string, unknown>[], outcome: PublishOutcome) {
  assert.equal(outcome.runId, runId);
  assert.equal(outcome.chunks, seen.length);
  assert.equal(outcome.nextSequence, seen.length);
  const replay = await readRunSse(runId);
  assert.deepEqual(replay.map((event) => event.chunk), persisted(seen));
  const expectedSequences = seen.flatMap((chunk, sequence) => (chunk.transient === true ? [] : [sequence]));
  assert.deepEqual(sequences(replay), expectedSequences);
  // @mastra/client-js's own parsing of Runstream's SSE, through `observe`.
  const client = new MastraClient({ baseUrl: RUNSTREAM_URL, fetch: runstream.mastraClientFetch(), retries: 0 });
  const observed: unknown[] = [];
  const response = await client.getAgent('any').observe({ runId } as never);
  await (response as unknown as { processDataStream: (o: { onChunk: (c: unknown) => void }) => Promise<void> })
    .processDataStream({ onChunk: (chunk) => void observed.push(chunk) });
  assert.deepEqual(observed, persisted(seen));
}

describe('publish', () => {
  it('shouldStoreAnAgentTextRunAsTheAppReadItWhileTheAppReadsTextStream', async () => {
    const out = await textAgent().stream('What is the capital of France?');
    const sent = runstream.publish(out);
    const seenPromise = readAll(out.fullStream);
    let streamed = '';
    for await (const delta of out.textStream) {
      streamed += delta;
    }
    const [seen, outcome, text, usage] = await Promise.all([seenPromise, sent, out.text, out.totalUsage]);
    assert.equal(streamed, 'The capital of France is Paris.');
    assert.equal(text, streamed);
    await assertStoredAsSeen(out.runId, seen, outcome);
    const summary = await endedSummary(out.runId);
    assert.equal(summary.status, 'success');
    assert.equal(summary.kind, 'agent');
    assert.equal(summary.text, text);
    assert.equal(summary.finishReason, 'stop');
    assert.equal(summary.usage.inputTokens, usage.inputTokens);
    assert.equal(summary.usage.outputTokens, usage.outputTokens);
    assert.equal(summary.chunkCount, seen.length);
    assert.equal(summary.lastSequence, seen.length - 1);
  });

  it('shouldStoreAToolRunWithTheToolsDataChunksThatCarryNoRunId', async () => {
    const out = await toolAgent().stream('Weather in Paris?');
    const sent = runstream.publish(out);
    const [seen, outcome, text, usage] = await Promise.all([readAll(out.fullStream), sent, out.text,
      out.totalUsage]);
    assert.ok(seen.some((chunk) => chunk.type === 'data-tool-progress' && chunk.runId === undefined));
    assert.ok(seen.some((chunk) => chunk.type === 'data-build-log' && chunk.transient === true));
    await assertStoredAsSeen(out.runId, seen, outcome);
    const summary = await endedSummary(out.runId);
    assert.equal(summary.status, 'success');
    assert.equal(summary.text, text);
    assert.equal(summary.stepCount, 2);
    assert.equal(summary.usage.inputTokens, usage.inputTokens);
    assert.equal(summary.usage.outputTokens, usage.outputTokens);
    assert.deepEqual(summary.toolCalls.map((call: { toolName: string }) => call.toolName), ['weather']);
  });

  it('shouldStoreAWorkflowRunAsTheAppReadIt', async () => {
    const run = await (threeStepWorkflow() as any).createRun();
    const out = run.stream({ inputData: { name: ' Ada ' } });
    const sent = runstream.publish(out);
    const [seen, outcome, result] = await Promise.all([readAll(out.fullStream), sent, out.result]);
    assert.equal(seen.at(-1)!.type, 'workflow-finish');
    assert.deepEqual(result.result, { loud: 'HELLO, ADA!' });
    await assertStoredAsSeen(run.runId, seen, outcome);
    const summary = await endedSummary(run.runId);
    assert.equal(summary.kind, 'workflow');
    assert.equal(summary.status, 'success');
    assert.deepEqual(summary.result, { loud: 'HELLO, ADA!' });
  });

  it('shouldRetryABatchWhoseReplyWasLostWithoutStoringAnyChunkTwice', async () => {
    // The first connection's request reaches Runstream whole; its reply is cut before the first byte.
    const proxy = await FaultyProxy.start(RUNSTREAM_URL, { cutAfterResponseBytes: (i) => (i === 0 ? 0 : undefined) });
    proxies.push(proxy);
    const viaProxy = new Runstream({ url: proxy.url });
    const out = await toolAgent().stream('Weather in Paris?');
    const sent = viaProxy.publish(out, { initialBackoffMs: 50 });
    const [seen, outcome] = await Promise.all([readAll(out.fullStream), sent]);
    assert.equal(proxy.cuts, 1);
    assert.ok(outcome.retries >= 1, `retries: ${outcome.retries}`);
    assert.ok(outcome.duplicates >= 1, `the retried batch was stored the first time: ${outcome.duplicates}`);
    await assertStoredAsSeen(out.runId, seen, outcome);
    assert.equal((await endedSummary(out.runId)).chunkCount, seen.length);
  });

  it('shouldFailWithTheRefusedChunksSequenceAndLeaveTheAppsStreamWhole', async () => {
    const out = await toolAgent({ bigDataBytes: MAX_CHUNK_BYTES * 2 }).stream('Weather in Paris?');
    const errors: unknown[] = [];
    const sent = runstream.publish(out, { onError: (error) => void errors.push(error) });
    const [seen, text, refusal] = await Promise.all([readAll(out.fullStream), out.text,
      sent.then(() => assert.fail('publish should fail'), (error: unknown) => error)]);
    assert.equal(text, 'It is 19 °C in Paris.');
    assert.equal(seen.at(-1)!.type, 'finish');
    const big = seen.findIndex((chunk) => chunk.type === 'data-blob');
    assert.ok(refusal instanceof RunstreamRefusedError, String(refusal));
    assert.equal(refusal.runId, out.runId);
    assert.equal(refusal.status, 422);
    assert.equal(refusal.code, 'chunks_rejected');
    assert.equal(refusal.sequence, big);
    assert.match(refusal.message, new RegExp(`chunk ${big} of run '${out.runId}'.*longer than the limit`));
    assert.deepEqual(errors, [refusal]);
  });

  it('shouldFailWithBufferOverflowWhenRunstreamIsSlowerThanTheBufferCoversAndLeaveTheAppAlone', async () => {
    const proxy = await FaultyProxy.start(RUNSTREAM_URL, { responseDelayMs: 3_000 });
    proxies.push(proxy);
    const slow = new Runstream({ url: proxy.url });
    const out = await textAgent(Array.from({ length: 40 }, (_, i) => `w${i} `), 2).stream('Count');
    const started = Date.now();
    const sent = slow.publish(out, { maxBufferedChunks: 8 });
    const [seen, text, overflow] = await Promise.all([readAll(out.fullStream), out.text,
      sent.then(() => assert.fail('publish should fail'), (error: unknown) => error)]);
    assert.ok(overflow instanceof RunstreamBufferOverflowError, String(overflow));
    assert.equal(overflow.runId, out.runId);
    assert.ok(text.startsWith('w0 w1 '));
    assert.equal(seen.at(-1)!.type, 'finish');
    assert.ok(Date.now() - started < 2_500, 'neither the app nor the failure waited for the slow reply');
  });
});
