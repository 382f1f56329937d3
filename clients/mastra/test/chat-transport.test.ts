import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai-v5';
import { Runstream, RunstreamChatTransport, type PublishOutcome } from '../src/index.js';
import { FaultyProxy } from './support/proxy.js';
import { textAgent } from './support/mastra-fixtures.js';
import { readRunSse, RUNSTREAM_URL } from './support/runs.js';

const runstream = new Runstream({ url: RUNSTREAM_URL });
const proxies: FaultyProxy[] = [];
after(() => Promise.all(proxies.map((proxy) => proxy.close())));

const userMessage: UIMessage = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Capital of France?' }] };

/** What an app route does for a send: start the agent, publish its stream, answer with the run id. */
function startRunWith(deltas: string[], delayMs: number, published: Promise<PublishOutcome>[],
    texts: Promise<string>[]) {
  return async () => {
    const out = await textAgent(deltas, delayMs).stream('Capital of France?');
    published.push(runstream.publish(out));
    texts.push(out.text);
    return out.runId;
  };
}

async function drain(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<UIMessageChunk>) {
    chunks.push(chunk);
  }
  return chunks;
}

async function lastMessage(chunks: UIMessageChunk[]): Promise<UIMessage> {
  const source = new ReadableStream<UIMessageChunk>({
    start(controller) {
      chunks.forEach((chunk) => controller.enqueue(chunk));
      controller.close();
    },
  });
  let message: UIMessage | undefined;
  for await (const m of readUIMessageStream({ stream: source })) {
    message = m;
  }
  return message!;
}

const textOf = (message: UIMessage) => message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');

describe('RunstreamChatTransport', () => {
  it('shouldStreamARunsUiMessageChunksAsTheAiSdkParsesThem', async () => {
    const published: Promise<PublishOutcome>[] = [];
    const texts: Promise<string>[] = [];
    const transport = new RunstreamChatTransport({ url: RUNSTREAM_URL,
      startRun: startRunWith(['The capital', ' of France', ' is Paris.'], 5, published, texts) });
    const stream = await transport.sendMessages({ chatId: 'chat-1', messages: [userMessage], trigger: 'submit-message',
      messageId: undefined, abortSignal: undefined } as never);
    const chunks = await drain(stream as never);
    const outcome = await published[0]!;
    assert.equal(textOf(await lastMessage(chunks)), await texts[0]!);
    assert.equal(chunks[0]!.type, 'start');
    assert.equal(chunks.at(-1)!.type, 'finish');
    // The same chunks as a direct read of the ended run.
    assert.deepEqual(chunks, (await readRunSse(outcome.runId, 'ui')).map((event) => event.chunk));
  });

  it('shouldResumeADroppedStreamWithLastEventIdWithoutGapOrDuplicate', async () => {
    // The first SSE connection is cut a few events in; the transport reconnects through the same proxy.
    const proxy = await FaultyProxy.start(RUNSTREAM_URL, { cutAfterResponseBytes: (i) => (i === 0 ? 700 : undefined) });
    proxies.push(proxy);
    const published: Promise<PublishOutcome>[] = [];
    const texts: Promise<string>[] = [];
    const deltas = Array.from({ length: 30 }, (_, i) => `word${i} `);
    const transport = new RunstreamChatTransport({ url: proxy.url, reconnectDelayMs: 20,
      startRun: startRunWith(deltas, 10, published, texts) });
    const stream = await transport.sendMessages({ chatId: 'chat-2', messages: [userMessage], trigger: 'submit-message',
      messageId: undefined, abortSignal: undefined } as never);
    const chunks = await drain(stream as never);
    const outcome = await published[0]!;
    assert.equal(proxy.cuts, 1);
    assert.ok(proxy.connections >= 2);
    assert.equal(textOf(await lastMessage(chunks)), deltas.join(''));
    assert.equal(textOf(await lastMessage(chunks)), await texts[0]!);
    assert.deepEqual(chunks, (await readRunSse(outcome.runId, 'ui')).map((event) => event.chunk));
  });

  it('shouldGiveUpAConnectionThatGoesSilentAndResumeWithoutGapOrDuplicate', async () => {
    // The first SSE connection stays open but brings nothing after a few events, heartbeats included.
    const proxy = await FaultyProxy.start(RUNSTREAM_URL, { stallAfterResponseBytes: (i) => (i === 0 ? 700 : undefined) });
    proxies.push(proxy);
    const published: Promise<PublishOutcome>[] = [];
    const texts: Promise<string>[] = [];
    const deltas = Array.from({ length: 30 }, (_, i) => `word${i} `);
    const transport = new RunstreamChatTransport({ url: proxy.url, reconnectDelayMs: 20, idleTimeoutMs: 1_500,
      startRun: startRunWith(deltas, 10, published, texts) });
    const stream = await transport.sendMessages({ chatId: 'chat-4', messages: [userMessage], trigger: 'submit-message',
      messageId: undefined, abortSignal: undefined } as never);
    const chunks = await drain(stream as never);
    const outcome = await published[0]!;
    assert.equal(proxy.stalls, 1);
    assert.ok(proxy.connections >= 2);
    assert.equal(textOf(await lastMessage(chunks)), await texts[0]!);
    assert.deepEqual(chunks, (await readRunSse(outcome.runId, 'ui')).map((event) => event.chunk));
  });

  it('shouldLetDefaultChatTransportReconnectToARunFromRunstream', async () => {
    const out = await textAgent(Array.from({ length: 20 }, (_, i) => `t${i} `), 20).stream('Go');
    const sent = runstream.publish(out);
    // useChat({ resume: true }) on a reloaded page: the chat's run is read from its start while it goes on.
    const transport = new DefaultChatTransport({
      api: '/api/chat',
      prepareReconnectToStreamRequest: ({ id }) => ({ api: `${RUNSTREAM_URL}/v1/runs/${id}/stream?format=ui` }),
    });
    const stream = await transport.reconnectToStream({ chatId: out.runId } as never);
    assert.ok(stream);
    const chunks = await drain(stream as ReadableStream<UIMessageChunk>);
    await sent;
    assert.equal(textOf(await lastMessage(chunks)), await out.text);
    assert.deepEqual(chunks, (await readRunSse(out.runId, 'ui')).map((event) => event.chunk));
  });

  it('shouldNotResumeARunThatEnded', async () => {
    const out = await textAgent().stream('Go');
    await runstream.publish(out);
    const transport = new RunstreamChatTransport({ url: RUNSTREAM_URL, startRun: async () => out.runId,
      activeRunId: () => out.runId });
    for (let i = 0; i < 100 && (await runstream.summary(out.runId))?.status !== 'success'; i++) {
      await new Promise((done) => setTimeout(done, 100));
    }
    assert.equal(await transport.reconnectToStream({ chatId: 'chat-3' } as never), null);
  });
});
