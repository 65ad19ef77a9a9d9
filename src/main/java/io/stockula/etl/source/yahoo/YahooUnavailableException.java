package io.stockula.etl.source.yahoo;

import java.io.IOException;

/**
 * Yahoo answered but not with data: an empty body, its maintenance page ("Will be right back"), HTML on an API
 * URL, or "Too Many Requests" with status 200. An IOException, so the redelivery policy retries it like a 5xx.
 */
public class YahooUnavailableException extends IOException {
    public YahooUnavailableException(String message) {
        super(message);
    }
}
