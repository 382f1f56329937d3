import type { ChatTransport, UIMessage, UIMessageChunk } from 'ai';
import { RunstreamConnection, type RunstreamOptions } from './connection.js';
import { RunstreamError } from './errors.js';
import { readSse } from './sse.js';

type SendOptions<M extends UIMessage> = Parameters<ChatTransport<M>['sendMessages']>[0];
type ReconnectOptions<M extends UIMessage> = Parameters<ChatTransport<M>['reconnectToStream']>[0];

export interface RunstreamChatTransportOptions<M extends UIMessage> extends RunstreamOptions {
  /**
   * Starts the run that answers a send — typically a POST of `messages` to the app's own route, which calls
   * `agent.stream()` and `runstream.publish()` — and gives its run id. Its stream is then read from Runstream.
   */
  startRun: (request: SendOptions<M>) => Promise<string>;
  /**
   * The run a `useChat({ resume: true })` page should go on with after a reload (e.g. from the app's storage);
   * default: the last run this transport started for the chat. A run that is no longer `running` is not resumed.
   */
  activeRunId?: (chatId: string) => Promise<string | undefined> | string | undefined;
  /** Reconnections in a row (with `Last-Event-ID`) after a dropped stream before it fails (default 5). */
  maxReconnects?: number;
  /** Delay before a reconnection in ms, doubled per failure in a row (default 250). */
  reconnectDelayMs?: number;
  /**
   * A connection that brings no byte for this long (Runstream's heartbeats included) is given up and resumed with
   * `Last-Event-ID`; keep it above `http.sse.heartbeat.interval.ms` (default 45 000).
   */
  idleTimeoutMs?: number;
}

/**
 * A `useChat` transport that reads every answer from Runstream's `?format=ui` SSE: the AI SDK UI message stream
 * (`x-vercel-ai-ui-message-stream: v1`). A dropped connection is resumed with `Last-Event-ID`, with no gap and no
 * duplicate; `reconnectToStream` (useChat's `resume`) resumes where this transport stopped reading the chat's
 * run, or replays the run from its start on a fresh page.
 */
export class RunstreamChatTransport<M extends UIMessage = UIMessage> implements ChatTransport<M> {
  private readonly connection: RunstreamConnection;
  private readonly runs = new Map<string, { runId: string; lastEventId: string | undefined }>();
  private readonly maxReconnects: number;
  private readonly reconnectDelayMs: number;
  private readonly idleTimeoutMs: number;

  constructor(private readonly options: RunstreamChatTransportOptions<M>) {
    if (typeof options.startRun !== 'function') {
      throw new TypeError('RunstreamChatTransport: startRun must be a function');
    }
    this.connection = new RunstreamConnection(options);
    this.maxReconnects = options.maxReconnects ?? 5;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 250;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  }

  async sendMessages(options: SendOptions<M>): Promise<ReadableStream<UIMessageChunk>> {
    const runId = await this.options.startRun(options);
    const state = { runId, lastEventId: undefined };
    this.runs.set(options.chatId, state);
    return this.follow(state, options.abortSignal);
  }

  async reconnectToStream(options: ReconnectOptions<M>): Promise<ReadableStream<UIMessageChunk> | null> {
    const known = this.runs.get(options.chatId);
    const runId = known?.runId ?? await this.options.activeRunId?.(options.chatId);
    if (!runId) {
      return null;
    }
    const summary = await this.connection.fetch(this.connection.runUrl(runId), {
      headers: this.connection.headers(),
    });
    const status = summary.ok ? ((await summary.json()) as { status?: string }).status : undefined;
    if (summary.status !== 404 && !summary.ok) {
      throw new RunstreamError(runId, `Runstream answered HTTP ${summary.status} for run '${runId}'`);
    }
    if (status !== 'running' && !(known && known.lastEventId !== undefined)) {
      return null;
    }
    const state = known ?? { runId, lastEventId: undefined };
    this.runs.set(options.chatId, state);
    return this.follow(state, undefined);
  }

  /** The UI message chunks of a run from the event after `state.lastEventId`, reconnecting when dropped. */
  private follow(state: { runId: string; lastEventId: string | undefined }, signal: AbortSignal | undefined):
      ReadableStream<UIMessageChunk> {
    const connection = this.connection;
    const maxReconnects = this.maxReconnects;
    const baseDelay = this.reconnectDelayMs;
    const idleTimeoutMs = this.idleTimeoutMs;
    const abort = new AbortController();
    signal?.addEventListener('abort', () => abort.abort(signal.reason), { once: true });
    let events: AsyncGenerator<{ data: string; event: string; id: string | undefined }> | undefined;
    let failures = 0;
    return new ReadableStream<UIMessageChunk>({
      async pull(controller) {
        for (;;) {
          try {
            if (!events) {
              const headers = connection.headers({ Accept: 'text/event-stream' });
              if (state.lastEventId !== undefined) {
                headers['Last-Event-ID'] = state.lastEventId;
              }
              const attempt = new AbortController();
              const onAbort = () => attempt.abort(abort.signal.reason);
              abort.signal.addEventListener('abort', onAbort, { once: true });
              const response = await connection.fetch(connection.runUrl(state.runId, '/stream?format=ui'), {
                headers, signal: attempt.signal,
              });
              if (!response.ok || !response.body) {
                const text = await response.text();
                controller.error(new RunstreamError(state.runId, `Runstream answered HTTP ${response.status} for `
                  + `the UI stream of run '${state.runId}': ${text.slice(0, 300)}`));
                return;
              }
              events = readSse(response.body.pipeThrough(idleWatchdog(idleTimeoutMs, () => {
                abort.signal.removeEventListener('abort', onAbort);
                attempt.abort(new Error(`no byte from Runstream for ${idleTimeoutMs} ms`));
              })));
            }
            const next = await events.next();
            if (next.done) {
              throw new Error('the stream ended before [DONE]');
            }
            const { data, event, id } = next.value;
            if (event === 'error') {
              throw new Error(`Runstream ended the stream with an error: ${data}`);
            }
            if (data === '[DONE]') {
              controller.close();
              void events.return(undefined);
              return;
            }
            failures = 0;
            state.lastEventId = id ?? state.lastEventId;
            controller.enqueue(JSON.parse(data) as UIMessageChunk);
            return;
          } catch (error) {
            void events?.return(undefined);
            events = undefined;
            if (abort.signal.aborted) {
              controller.error(abort.signal.reason);
              return;
            }
            if (++failures > maxReconnects) {
              controller.error(new RunstreamError(state.runId, `the UI stream of run '${state.runId}' failed `
                + `${failures} time(s) in a row`, { cause: error }));
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, baseDelay * 2 ** (failures - 1)));
          }
        }
      },
      cancel(reason) {
        abort.abort(reason);
        void events?.return(undefined);
      },
    });
  }
}

/** Passes bytes through; calls `onIdle` once when none came for `timeoutMs`. */
function idleWatchdog(timeoutMs: number, onIdle: () => void): TransformStream<Uint8Array, Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(onIdle, timeoutMs);
    // A stream given up without an end must not keep a Node process alive.
    (timer as { unref?: () => void }).unref?.();
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    start: arm,
    transform(bytes, controller) {
      arm();
      controller.enqueue(bytes);
    },
    flush: () => clearTimeout(timer),
  });
}
