import { CancelWatch, type CancelRequest, type CancelWatchOptions } from './cancel-watch.js';
import { RunstreamConnection, type RunstreamOptions } from './connection.js';
import { RunstreamError } from './errors.js';
import { RunPublisher, type ChunkSource, type PublishOptions, type PublishOutcome } from './run-publisher.js';

/** A run's summary, as `GET /v1/runs/{runId}` gives it (fields Runstream adds later are kept). */
export interface RunSummary {
  readonly runId: string;
  readonly kind: string;
  readonly status: string;
  readonly text: string | null;
  readonly finishReason: string | null;
  readonly usage: Record<string, unknown> | null;
  readonly chunkCount: number;
  readonly lastSequence: number;
  readonly [field: string]: unknown;
}

/** A Runstream bridge (`runstream serve`), from a Mastra app's side. */
export class Runstream {
  private readonly connection: RunstreamConnection;

  constructor(options: RunstreamOptions) {
    this.connection = new RunstreamConnection(options);
  }

  /**
   * Sends an agent's (`agent.stream()`) or workflow run's (`run.stream()`) chunks to Runstream while they are
   * produced, from a reader of its own: the app reads `textStream`, `fullStream`, `text`, ... as before and is
   * never slowed down. Call it right after `stream()`: a workflow's closing `workflow-finish` reaches only the
   * readers that are attached when it comes. The promise resolves once every chunk is stored and rejects with a
   * {@link RunstreamError} subclass; it is marked handled, so an app that does not await it is not crashed.
   */
  publish(output: ChunkSource, options: PublishOptions = {}): Promise<PublishOutcome> {
    const outcome = new RunPublisher(this.connection, output, options).run();
    outcome.catch((error: unknown) => {
      if (error instanceof RunstreamError) {
        options.onError?.(error);
      }
    });
    return outcome;
  }

  /**
   * Watches for the run to be canceled (`POST /v1/runs/{runId}/cancel`, `runstream cancel`, from anywhere): pass
   * its `signal` as Mastra's `abortSignal`, and `stop()` it once the run has ended. Needs `write` on the run.
   */
  watchCancel(runId: string, options: CancelWatchOptions = {}): CancelWatch {
    return new CancelWatch(this.connection, runId, options);
  }

  /**
   * Asks for a run to be canceled. `requested`: its writer is told and the run ends canceled within Runstream's
   * `run.cancel.grace.ms`; `already_requested`, `already_ended`: nothing more was done; `unknown`: Runstream has no
   * summary of the run. Needs `cancel` on the run.
   */
  async cancel(runId: string, reason = ''): Promise<{ outcome: 'requested' | 'already_requested' | 'already_ended'
    | 'unknown'; cancel?: CancelRequest; status?: string }> {
    const response = await this.connection.fetch(this.connection.runUrl(runId, '/cancel'), {
      method: 'POST',
      headers: this.connection.headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(reason ? { reason } : {}),
    });
    if (response.status === 404) {
      return { outcome: 'unknown' };
    }
    if (!response.ok) {
      throw new RunstreamError(runId, `Runstream answered HTTP ${response.status} to cancel run '${runId}': `
        + (await response.text()).slice(0, 300));
    }
    return (await response.json()) as { outcome: 'requested' | 'already_requested' | 'already_ended';
      cancel?: CancelRequest; status?: string };
  }

  /** The run's summary, or undefined when Runstream has none (no chunk aggregated yet, or erased). */
  async summary(runId: string): Promise<RunSummary | undefined> {
    const response = await this.connection.fetch(this.connection.runUrl(runId), {
      headers: this.connection.headers(),
    });
    if (response.status === 404) {
      return undefined;
    }
    if (!response.ok) {
      throw new RunstreamError(runId, `Runstream answered HTTP ${response.status} for run '${runId}': `
        + (await response.text()).slice(0, 300));
    }
    return (await response.json()) as RunSummary;
  }

  /**
   * Runstream's SSE of a run as a `Response` an app route can return as is: `format: 'ui'` is what
   * `DefaultChatTransport` (useChat) reads, `'mastra'` what `@mastra/client-js` reads. `lastEventId` resumes.
   */
  async streamResponse(runId: string, options: { format?: 'ui' | 'mastra'; lastEventId?: string | null;
    signal?: AbortSignal } = {}): Promise<Response> {
    const headers = this.connection.headers({ Accept: 'text/event-stream' });
    if (options.lastEventId) {
      headers['Last-Event-ID'] = options.lastEventId;
    }
    const upstream = await this.connection.fetch(
      this.connection.runUrl(runId, `/stream?format=${options.format ?? 'ui'}`), { headers, signal: options.signal });
    const out = new Headers();
    for (const name of ['content-type', 'cache-control', 'x-vercel-ai-ui-message-stream', 'x-accel-buffering']) {
      const value = upstream.headers.get(name);
      if (value !== null) {
        out.set(name, value);
      }
    }
    return new Response(upstream.body, { status: upstream.status, headers: out });
  }

  /**
   * A `fetch` for `new MastraClient({ baseUrl: <Runstream URL>, fetch })` from `@mastra/client-js`: its
   * `getAgent(id).observe({ runId })` then reads the run from Runstream (`format=mastra`), which outlives the
   * Mastra server that produced it. Every other request goes out unchanged.
   */
  mastraClientFetch(): typeof fetch {
    const connection = this.connection;
    return async (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      if (init?.method === 'POST' && /\/agents\/[^/]+\/observe$/.test(url.pathname)) {
        const body = JSON.parse(String(init.body ?? '{}')) as { runId?: string };
        if (!body.runId) {
          throw new TypeError('observe: runId is required');
        }
        return connection.fetch(connection.runUrl(body.runId, '/stream'), {
          headers: connection.headers({ Accept: 'text/event-stream' }), signal: init.signal ?? undefined,
        });
      }
      return connection.fetch(input, init);
    };
  }
}
