package io.stockula.etl.source.yahoo;

/**
 * Yahoo's answer was not complete within {@code stockula.yahoo.request-deadline} (a server dribbling bytes never
 * trips the per-read timeout): the connection is cut. An IOException, so it is retried like a timeout and then
 * dead-lettered with this reason.
 */
public class YahooDeadlineException extends YahooUnavailableException {
    public YahooDeadlineException(String message) {
        super(message);
    }
}
