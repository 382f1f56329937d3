/** Root of every error this package raises. */
export class RunstreamError extends Error {
  readonly runId: string;

  constructor(runId: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.runId = runId;
  }
}

/** One chunk Runstream refused, as its reply listed it (`details.rejections`). */
export interface RejectedChunk {
  /** The chunk's sequence number in its run, as this writer numbered it. */
  readonly sequence: number;
  /** Why Runstream refused it. */
  readonly reason: string;
}

/**
 * Runstream answered a batch of chunks with a 4xx: retrying the same body cannot help. Publishing stops; the
 * chunks before `sequence` are stored (and, on a 422, the batch's other valid chunks too: Runstream stores each
 * chunk that stands alone).
 */
export class RunstreamRefusedError extends RunstreamError {
  /** HTTP status of the refusal (400, 401, 403, 404, 409, 413, 415, 422, ...). */
  readonly status: number;
  /** Runstream's error code (`chunks_rejected`, `sequence_conflict`, `unauthorized`, ...), or `http_<status>`. */
  readonly code: string;
  /** Runstream's error message. */
  readonly serverMessage: string;
  /** Sequence of the first refused chunk (the batch's first chunk when the whole request was refused). */
  readonly sequence: number;
  /** Every chunk the reply named, with its sequence; empty when the request as a whole was refused. */
  readonly rejections: readonly RejectedChunk[];
  /** The reply's `details`, as sent. */
  readonly details: unknown;

  constructor(init: {
    runId: string;
    status: number;
    code: string;
    serverMessage: string;
    sequence: number;
    rejections: readonly RejectedChunk[];
    details: unknown;
  }) {
    const first = init.rejections[0];
    super(
      init.runId,
      `Runstream refused chunk ${init.sequence} of run '${init.runId}' (HTTP ${init.status} ${init.code}): `
        + (first ? first.reason : init.serverMessage),
    );
    this.status = init.status;
    this.code = init.code;
    this.serverMessage = init.serverMessage;
    this.sequence = init.sequence;
    this.rejections = init.rejections;
    this.details = init.details;
  }
}

/** Runstream could not be reached (or answered 5xx/429) through every retry of a batch. */
export class RunstreamUnavailableError extends RunstreamError {
  /** Sequence of the first chunk of the batch that could not be delivered. */
  readonly sequence: number;
  /** Attempts made for that batch. */
  readonly attempts: number;
  /** HTTP status of the last attempt, or undefined when it failed on the network. */
  readonly status: number | undefined;

  constructor(runId: string, sequence: number, attempts: number, status: number | undefined, cause: unknown) {
    super(
      runId,
      `Runstream did not take chunk ${sequence} of run '${runId}' after ${attempts} attempt(s)`
        + (status === undefined ? `: ${describe(cause)}` : ` (last answer HTTP ${status}: ${describe(cause)})`),
      { cause },
    );
    this.sequence = sequence;
    this.attempts = attempts;
    this.status = status;
  }
}

/**
 * More chunks waited for Runstream than `maxBufferedChunks`/`maxBufferedBytes` allow: Runstream is slower than the
 * model for longer than the buffer covers. Publishing stops; the app's own stream goes on.
 */
export class RunstreamBufferOverflowError extends RunstreamError {
  /** Sequence of the chunk that did not fit. */
  readonly sequence: number;

  constructor(runId: string, sequence: number, bufferedChunks: number, bufferedBytes: number) {
    super(
      runId,
      `chunk ${sequence} of run '${runId}' does not fit in the send buffer (${bufferedChunks} chunk(s), `
        + `${bufferedBytes} byte(s) waiting for Runstream); raise maxBufferedChunks/maxBufferedBytes or make `
        + `Runstream faster`,
    );
    this.sequence = sequence;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause;
    return inner instanceof Error ? `${cause.message} (${inner.message})` : cause.message;
  }
  return String(cause);
}
