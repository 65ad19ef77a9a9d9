package io.stockula.etl.source.yahoo;

import java.io.IOException;

/**
 * Yahoo has throttled this client for longer than {@code stockula.yahoo.throttle.give-up-after}: the remaining
 * requests of the run are not sent (counted as not attempted; the next run picks them up from the database).
 */
public class YahooCircuitOpenException extends IOException {
    public YahooCircuitOpenException(String message) {
        super(message);
    }
}
