import {
  RunstreamBufferOverflowError,
  RunstreamError,
  RunstreamRefusedError,
  RunstreamUnavailableError,
  type RejectedChunk,
} from './errors.js';
import type { RunstreamConnection } from './connection.js';

/**
 * What `publish` reads: a Mastra `MastraModelOutput` (`agent.stream()`) or `WorkflowRunOutput` (`run.stream()`).
 * Each access of their `fullStream` getter is a new reader that gets every chunk from the first (Mastra replays its
 * buffer, then follows), so reading one here takes nothing from the app's own readers.
 */
export interface ChunkSource {
  readonly fullStream: ChunkStream;
  readonly runId?: string;
}

/** The part of a WHATWG `ReadableStream` (DOM's or `node:stream/web`'s) that `publish` uses. */
export interface ChunkStream {
  getReader(): ChunkStreamReader;
}

export interface ChunkStreamReader {
  read(): Promise<{ done: true; value?: unknown } | { done: false; value: unknown }>;
  cancel(reason?: unknown): Promise<void>;
}

export interface PublishOptions {
  /** The run's id in Runstream; default the output's `runId` (chunks carrying another run's id are refused). */
  runId?: string;
  /** Sequence number of the output's first chunk in the run: 0 (the default) for a new run. */
  firstSequence?: number;
  /** How long a batch waits for more chunks before it is sent, in ms (default 5). */
  lingerMs?: number;
  /** Most chunks in one request (default 256). */
  maxBatchChunks?: number;
  /** Most body bytes in one request, unless one chunk alone is larger (default 1 MiB). */
  maxBatchBytes?: number;
  /** Most chunks waiting for Runstream; one more fails the publication (default 10 000). */
  maxBufferedChunks?: number;
  /** Most bytes waiting for Runstream; one more fails the publication (default 32 MiB). */
  maxBufferedBytes?: number;
  /** Attempts per batch on network errors, 5xx and 429 before the publication fails (default 8). */
  maxAttempts?: number;
  /** First retry delay in ms, doubled per attempt with jitter (default 100). */
  initialBackoffMs?: number;
  /** Longest retry delay in ms (default 5 000). */
  maxBackoffMs?: number;
  /** One request's time limit in ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Stops publishing (the promise rejects with the signal's reason); the app's stream goes on. */
  signal?: AbortSignal;
  /** Called once when publishing fails, with the same error the promise rejects with. */
  onError?: (error: RunstreamError) => void;
}

/** What became of a publication that ended well. */
export interface PublishOutcome {
  readonly runId: string;
  /** Chunks read from the output and stored by Runstream. */
  readonly chunks: number;
  readonly firstSequence: number;
  /** One past the last chunk's sequence: the `firstSequence` of a later leg of the same run. */
  readonly nextSequence: number;
  /** Requests that Runstream answered 200. */
  readonly requests: number;
  /** Attempts that failed and were retried. */
  readonly retries: number;
  /** Chunks Runstream already had when a retried batch came (a reply lost on the way back). */
  readonly duplicates: number;
}

interface Settings {
  lingerMs: number;
  maxBatchChunks: number;
  maxBatchBytes: number;
  maxBufferedChunks: number;
  maxBufferedBytes: number;
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  requestTimeoutMs: number;
}

const DEFAULTS: Settings = {
  lingerMs: 5,
  maxBatchChunks: 256,
  maxBatchBytes: 1 << 20,
  maxBufferedChunks: 10_000,
  maxBufferedBytes: 32 << 20,
  maxAttempts: 8,
  initialBackoffMs: 100,
  maxBackoffMs: 5_000,
  requestTimeoutMs: 30_000,
};

const encoder = new TextEncoder();

/**
 * Sends one output's chunks to `POST /v1/runs/{runId}/chunks` while the output is produced. Invariants: chunk `n`
 * of the output has sequence `firstSequence + n`; a batch is sent with `Runstream-First-Sequence` = the sequence
 * of its first chunk and is resent unchanged until Runstream answers, so a retry never stores a chunk twice; at
 * most one request is in flight; each chunk is serialized the moment it is read (Mastra mutates chunk objects
 * after emitting them).
 */
export class RunPublisher {
  private readonly runId: string;
  private readonly settings: Settings;
  private readonly pending: { line: string; bytes: number }[] = [];
  private pendingBytes = 0;
  private sentSequence: number;
  private readonly firstSequence: number;
  /** Aborted on failure: the request in flight is given up at once. */
  private readonly stopped = new AbortController();
  private sourceDone = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private reader: ChunkStreamReader | undefined;
  private requests = 0;
  private retries = 0;
  private duplicates = 0;

  constructor(
    private readonly connection: RunstreamConnection,
    private readonly source: ChunkSource,
    private readonly options: PublishOptions,
  ) {
    const runId = options.runId ?? source.runId;
    if (!runId) {
      throw new TypeError('publish: no runId given and the output has none');
    }
    this.runId = runId;
    this.settings = validated(options);
    const first = options.firstSequence ?? 0;
    if (!Number.isSafeInteger(first) || first < 0) {
      throw new RangeError(`publish: firstSequence must be an integer >= 0, was ${first}`);
    }
    this.firstSequence = first;
    this.sentSequence = first;
  }

  /** Starts reading and sending; the promise settles when the output ended and Runstream stored every chunk. */
  run(): Promise<PublishOutcome> {
    const stream = this.source.fullStream;
    this.reader = stream.getReader();
    const signal = this.options.signal;
    const onAbort = () => this.fail(signal?.reason instanceof Error ? signal.reason : new RunstreamError(
      this.runId, `publishing run '${this.runId}' was aborted`));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) {
      onAbort();
    }
    void this.read();
    return this.send()
      .catch((error: unknown) => {
        // A refusal or a lost Runstream also stops the reading: nothing more would be sent.
        this.fail(error instanceof Error ? error : new Error(String(error)));
        throw this.failure;
      })
      .finally(() => signal?.removeEventListener('abort', onAbort));
  }

  private async read(): Promise<void> {
    const reader = this.reader!;
    let sequence = this.firstSequence;
    try {
      while (this.failure === undefined) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        const line = serialized(this.runId, sequence, value);
        const bytes = encoder.encode(line).length + 1;
        if (this.pending.length + 1 > this.settings.maxBufferedChunks
            || this.pendingBytes + bytes > this.settings.maxBufferedBytes) {
          this.fail(new RunstreamBufferOverflowError(this.runId, sequence, this.pending.length, this.pendingBytes));
          break;
        }
        this.pending.push({ line, bytes });
        this.pendingBytes += bytes;
        sequence++;
        this.notify();
      }
    } catch (error) {
      this.fail(error instanceof RunstreamError ? error
        : new RunstreamError(this.runId, `reading the output of run '${this.runId}' failed`, { cause: error }));
    } finally {
      this.sourceDone = true;
      this.notify();
    }
  }

  private async send(): Promise<PublishOutcome> {
    for (;;) {
      await this.until(() => this.pending.length > 0 || this.sourceDone || this.failure !== undefined);
      if (this.failure === undefined && !this.sourceDone && this.settings.lingerMs > 0
          && this.pending.length < this.settings.maxBatchChunks) {
        await sleep(this.settings.lingerMs);
      }
      if (this.failure !== undefined) {
        throw this.failure;
      }
      if (this.pending.length === 0) {
        if (this.sourceDone) {
          break;
        }
        continue;
      }
      const batch = this.takeBatch();
      await this.deliver(batch);
      if (this.failure !== undefined) {
        throw this.failure;
      }
      this.pending.splice(0, batch.length);
      this.pendingBytes -= batch.reduce((sum, chunk) => sum + chunk.bytes, 0);
      this.sentSequence += batch.length;
    }
    return {
      runId: this.runId,
      chunks: this.sentSequence - this.firstSequence,
      firstSequence: this.firstSequence,
      nextSequence: this.sentSequence,
      requests: this.requests,
      retries: this.retries,
      duplicates: this.duplicates,
    };
  }

  private takeBatch(): { line: string; bytes: number }[] {
    let bytes = 0;
    let count = 0;
    while (count < this.pending.length && count < this.settings.maxBatchChunks) {
      const next = this.pending[count]!.bytes;
      if (count > 0 && bytes + next > this.settings.maxBatchBytes) {
        break;
      }
      bytes += next;
      count++;
    }
    return this.pending.slice(0, count);
  }

  /** Sends one batch until Runstream stores it; throws a RunstreamError when it refuses or cannot be reached. */
  private async deliver(batch: readonly { line: string }[]): Promise<void> {
    const first = this.sentSequence;
    const body = batch.map((chunk) => chunk.line).join('\n') + '\n';
    let backoff = this.settings.initialBackoffMs;
    for (let attempt = 1; ; attempt++) {
      if (this.failure !== undefined) {
        throw this.failure;
      }
      let retryAfterMs: number | undefined;
      let lastStatus: number | undefined;
      let cause: unknown;
      try {
        const response = await this.connection.fetch(this.connection.runUrl(this.runId, '/chunks'), {
          method: 'POST',
          headers: this.connection.headers({
            'Content-Type': 'application/x-ndjson',
            'Runstream-First-Sequence': String(first),
          }),
          body,
          signal: this.requestSignal(),
        });
        const reply = await readJson(response);
        if (response.ok) {
          this.requests++;
          this.duplicates += numberField(reply, 'duplicates');
          return;
        }
        if (response.status !== 429 && response.status < 500) {
          throw refusal(this.runId, first, response.status, reply);
        }
        lastStatus = response.status;
        retryAfterMs = retryAfter(response.headers.get('Retry-After'));
        cause = new Error(stringField(reply, 'message') ?? response.statusText);
      } catch (error) {
        if (error instanceof RunstreamRefusedError || this.failure !== undefined) {
          throw this.failure ?? error;
        }
        cause ??= error;
      }
      if (attempt >= this.settings.maxAttempts) {
        throw new RunstreamUnavailableError(this.runId, first, attempt, lastStatus, cause);
      }
      this.retries++;
      const jittered = backoff / 2 + Math.random() * backoff / 2;
      await sleep(Math.min(this.settings.maxBackoffMs, Math.max(retryAfterMs ?? 0, jittered)));
      backoff = Math.min(this.settings.maxBackoffMs, backoff * 2);
    }
  }

  private requestSignal(): AbortSignal {
    return AbortSignal.any([AbortSignal.timeout(this.settings.requestTimeoutMs), this.stopped.signal]);
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) {
      return;
    }
    this.failure = error;
    this.pending.length = 0;
    this.pendingBytes = 0;
    this.stopped.abort(error);
    // Cancelling this reader detaches it from the output; the app's readers are other streams.
    this.reader?.cancel(error).catch(() => undefined);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async until(condition: () => boolean): Promise<void> {
    while (!condition()) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

function serialized(runId: string, sequence: number, chunk: unknown): string {
  let line: string | undefined;
  try {
    line = JSON.stringify(chunk);
  } catch (error) {
    throw new RunstreamError(runId, `chunk ${sequence} of run '${runId}' cannot be serialized as JSON`, { cause: error });
  }
  if (line === undefined) {
    throw new RunstreamError(runId, `chunk ${sequence} of run '${runId}' is not a JSON value: ${String(chunk)}`);
  }
  return line;
}

function refusal(runId: string, first: number, status: number, reply: unknown): RunstreamRefusedError {
  const details = field(reply, 'details');
  const listed = field(details, 'rejections');
  // Runstream numbers rejections by the chunk's 1-based index in the body.
  const rejections: RejectedChunk[] = Array.isArray(listed)
    ? listed.map((r) => ({ sequence: first + numberField(r, 'index') - 1, reason: stringField(r, 'reason') ?? '' }))
    : [];
  return new RunstreamRefusedError({
    runId,
    status,
    code: stringField(reply, 'code') ?? `http_${status}`,
    serverMessage: stringField(reply, 'message') ?? '',
    sequence: rejections[0]?.sequence ?? first,
    rejections,
    details,
  });
}

function validated(options: PublishOptions): Settings {
  const settings = { ...DEFAULTS };
  const problems: string[] = [];
  for (const key of Object.keys(DEFAULTS) as (keyof Settings)[]) {
    const value = options[key];
    if (value === undefined) {
      continue;
    }
    const min = key === 'lingerMs' || key === 'initialBackoffMs' ? 0 : 1;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      problems.push(`${key} must be a number >= ${min}, was ${String(value)}`);
    } else {
      settings[key] = value;
    }
  }
  if (problems.length > 0) {
    throw new RangeError(`publish: ${problems.join('; ')}`);
  }
  return settings;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return { message: text.slice(0, 500) };
  }
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

function numberField(value: unknown, name: string): number {
  const found = field(value, name);
  return typeof found === 'number' ? found : 0;
}

function stringField(value: unknown, name: string): string | undefined {
  const found = field(value, name);
  return typeof found === 'string' ? found : undefined;
}

function retryAfter(header: string | null): number | undefined {
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
