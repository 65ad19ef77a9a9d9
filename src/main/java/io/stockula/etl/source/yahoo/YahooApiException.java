package io.stockula.etl.source.yahoo;

/**
 * Yahoo said no in its own words ({@code {"chart":{"error":{"code":"Not Found","description":"..."}}}}): the
 * message carries the HTTP status, the endpoint, the symbol and Yahoo's description, so the dead letter explains
 * itself. Never retried: asking again gets the same answer.
 */
public class YahooApiException extends RuntimeException {

    private final int status;
    private final String endpoint;
    private final String symbol;
    private final String code;
    private final String description;

    public YahooApiException(int status, String endpoint, String symbol, String code, String description, Throwable cause) {
        super("Yahoo " + endpoint + " " + (status > 0 ? status + " " : "") + (code == null ? "" : code)
                + " for " + symbol + ": " + (description == null ? "(no description)" : description), cause);
        this.status = status;
        this.endpoint = endpoint;
        this.symbol = symbol;
        this.code = code;
        this.description = description;
    }

    public int status() {
        return status;
    }

    public String endpoint() {
        return endpoint;
    }

    public String symbol() {
        return symbol;
    }

    public String code() {
        return code;
    }

    public String description() {
        return description;
    }
}
