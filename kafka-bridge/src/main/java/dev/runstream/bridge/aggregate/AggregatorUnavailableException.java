package dev.runstream.bridge.aggregate;

import dev.runstream.core.RunstreamException;

/**
 * The aggregator cannot answer a query now: it is not running, or its summaries store is being restored or moved to
 * another instance by a rebalance. Retriable (an HTTP layer answers 503 with {@code Retry-After}).
 */
public class AggregatorUnavailableException extends RunstreamException {

    public AggregatorUnavailableException(String message) {
        super(message);
    }

    public AggregatorUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
