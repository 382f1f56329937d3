package dev.runstream.core;

/**
 * Root of every exception Runstream throws. Unchecked: callers act on the subtypes they can handle
 * ({@link ChunkDecodeException}, {@link InvalidRunIdException}, {@link OutOfOrderChunkException}).
 */
public class RunstreamException extends RuntimeException {

    public RunstreamException(String message) {
        super(message);
    }

    public RunstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
