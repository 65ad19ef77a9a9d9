package io.stockula.etl.source.yahoo;

import io.stockula.etl.ops.DataException;

/**
 * A 200 whose body is not the JSON we expect (truncated, garbled, a changed shape). Dead-lettered with the body
 * itself, so that someone can see what Yahoo sent; not retried.
 */
public class YahooMalformedResponseException extends DataException {

    static final int MAX_BODY = 1 << 20;

    private final String body;

    public YahooMalformedResponseException(String message, String body, Throwable cause) {
        super(message, cause);
        this.body = body == null || body.length() <= MAX_BODY ? body
                : body.substring(0, MAX_BODY) + "...(" + body.length() + " chars)";
    }

    /** The response body as received (up to 1 MiB). */
    public String getBody() {
        return body;
    }
}
