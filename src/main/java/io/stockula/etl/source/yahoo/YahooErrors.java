package io.stockula.etl.source.yahoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Yahoo's error object, {@code {"<chart|quoteSummary|finance|optionChain>":{"result":null,"error":{"code","description"}}}},
 * which says more than the HTTP status and is checked first (as node-yahoo-finance2 does).
 */
public final class YahooErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private YahooErrors() {
    }

    /** Throws a {@link YahooApiException} when {@code envelope.error} is set. */
    static void throwIfError(JsonNode envelope, int status, String endpoint, String symbol) {
        JsonNode error = envelope.path("error");
        if (error.isObject()) {
            throw new YahooApiException(status, endpoint, symbol, error.path("code").asText(null),
                    error.path("description").asText(null), null);
        }
    }

    /** The {code, description} of an error body, whatever its envelope; null when the body is not one. */
    public static String[] describe(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null && root.isObject()) {
                for (JsonNode envelope : root) {
                    JsonNode error = envelope.path("error");
                    if (error.isObject()) {
                        return new String[] {error.path("code").asText(null), error.path("description").asText(null)};
                    }
                }
            }
        } catch (Exception e) {
            // not JSON: plain text such as "Too Many Requests"
        }
        String text = body.strip();
        return new String[] {null, text.length() > 200 ? text.substring(0, 200) : text};
    }
}
