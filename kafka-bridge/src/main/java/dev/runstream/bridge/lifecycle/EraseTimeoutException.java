package dev.runstream.bridge.lifecycle;

import dev.runstream.bridge.aggregate.AggregatorUnavailableException;

/**
 * An erase did not complete in time: the aggregator did not process the run's erase marker (it is not running, or
 * lags). Retriable: erasing the run again finishes the job (the marker already written is processed whenever the
 * aggregator gets to it; the run's topic is only emptied once that is confirmed).
 */
public class EraseTimeoutException extends AggregatorUnavailableException {

    public EraseTimeoutException(String message) {
        super(message);
    }
}
