import type { RunstreamConnection } from './connection.js';
import { RunstreamError } from './errors.js';

/** A cancel request, as Runstream records it in the run's summary. */
export interface CancelRequest {
  readonly cancelId: string;
  /** `admin`, `token <id> (<runs>)`, `cli <user>`. */
  readonly requestedBy: string;
  readonly requestedAt: string;
  /** Why, as the canceller said it; `''` when not said. */
  readonly reason: string;
}

/** The run was canceled through Runstream: the reason of the `abortSignal` the watcher aborts. */
export class RunCanceledError extends RunstreamError {
  readonly cancel: CancelRequest;

  constructor(runId: string, cancel: CancelRequest) {
    super(runId, `run '${runId}' was canceled by ${cancel.requestedBy}`
      + (cancel.reason ? `: ${cancel.reason}` : ''));
    this.cancel = cancel;
  }
}

export interface CancelWatchOptions {
  /** How long one long poll waits, in ms (default 25 000, at most 60 000). */
  waitMs?: number;
  /** Delay before asking again after a failed poll, in ms (default 1 000). */
  retryMs?: number;
}

/**
 * Long-polls `GET /v1/runs/{runId}/control` until the run is canceled or {@link CancelWatch.stop} is called. Its
 * `signal` is the `abortSignal` for Mastra's `agent.stream()` or `run.stream()`: Mastra then ends the run as an
 * aborted one (`abort`, `finish`), which `publish` sends to Runstream like any other chunk.
 */
export class CancelWatch {
  private readonly controller = new AbortController();
  private readonly polling = new AbortController();
  private readonly waitMs: number;
  private readonly retryMs: number;
  /** Settles when polling has stopped (canceled, stopped or refused). */
  readonly done: Promise<void>;

  constructor(private readonly connection: RunstreamConnection, readonly runId: string,
    options: CancelWatchOptions = {}) {
    this.waitMs = options.waitMs ?? 25_000;
    this.retryMs = options.retryMs ?? 1_000;
    if (!Number.isInteger(this.waitMs) || this.waitMs < 0 || this.waitMs > 60_000) {
      throw new RangeError(`watchCancel: waitMs must be an integer from 0 to 60000, was ${this.waitMs}`);
    }
    this.done = this.poll();
  }

  /** Aborted, with a {@link RunCanceledError}, when the run is canceled. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops polling (the run ended): the signal is left as it is. */
  stop(): void {
    this.polling.abort();
  }

  private async poll(): Promise<void> {
    const url = this.connection.runUrl(this.runId, `/control?waitMs=${this.waitMs}`);
    while (!this.polling.signal.aborted) {
      try {
        const response = await this.connection.fetch(url, {
          headers: this.connection.headers({ Accept: 'application/json' }), signal: this.polling.signal,
        });
        if (response.status === 401 || response.status === 403 || response.status === 400) {
          // Asking again cannot help: the credential lacks `write` on the run, or the run id is refused.
          console.warn(`Runstream: cancel requests of run '${this.runId}' cannot be heard: HTTP ${response.status} `
            + (await response.text()).slice(0, 300));
          return;
        }
        if (!response.ok) {
          throw new Error(`HTTP ${response.status}`);
        }
        const body = (await response.json()) as { cancel: CancelRequest | null };
        if (body.cancel) {
          this.controller.abort(new RunCanceledError(this.runId, body.cancel));
          return;
        }
      } catch (error) {
        if (this.polling.signal.aborted) {
          return;
        }
        await sleep(this.retryMs, this.polling.signal);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      done();
    }, { once: true });
  });
}
