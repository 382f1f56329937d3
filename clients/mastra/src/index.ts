export { Runstream, type RunSummary } from './runstream.js';
export type { RunstreamOptions } from './connection.js';
export type { ChunkSource, ChunkStream, ChunkStreamReader, PublishOptions, PublishOutcome } from './run-publisher.js';
export { RunstreamChatTransport, type RunstreamChatTransportOptions } from './chat-transport.js';
export {
  RunstreamError,
  RunstreamRefusedError,
  RunstreamUnavailableError,
  RunstreamBufferOverflowError,
  type RejectedChunk,
} from './errors.js';
export { CancelWatch, RunCanceledError, type CancelRequest, type CancelWatchOptions } from './cancel-watch.js';
