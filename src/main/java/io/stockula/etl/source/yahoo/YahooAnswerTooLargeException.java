package io.stockula.etl.source.yahoo;

/**
 * Yahoo sent (or announced) a body larger than {@code stockula.yahoo.max-body-bytes}: the rest is not read, so a
 * runaway answer cannot exhaust the heap. Dead-lettered at once with the reason and the first bytes; not retried.
 */
public class YahooAnswerTooLargeException extends YahooMalformedResponseException {
    public YahooAnswerTooLargeException(String message, String head) {
        super(message, head, null);
    }
}
