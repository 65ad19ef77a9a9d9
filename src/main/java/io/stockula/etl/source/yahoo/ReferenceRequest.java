package io.stockula.etl.source.yahoo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.ops.DataException;
import java.util.Map;

/**
 * One quoteSummary or options call: the message of the {@code yahoo-quote-summary} and {@code yahoo-options}
 * routes (and so what their dead letters hold and a replay sends back).
 *
 * @param kind       {@code quoteSummary} or {@code options}
 * @param expiration options only: the expiry to read (epoch seconds); null = the nearest, whose answer lists the
 *                   others
 */
public record ReferenceRequest(Long runId, String kind, String symbol, Long expiration) {

    public static final String QUOTE_SUMMARY = "quoteSummary";
    public static final String OPTIONS = "options";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public static ReferenceRequest from(Object body, String kind) {
        if (body instanceof ReferenceRequest r) {
            return r;
        }
        if (body instanceof String s && !s.isBlank() && !s.strip().startsWith("{")) {
            return new ReferenceRequest(null, kind, s.strip(), null); // a bare symbol
        }
        try {
            ReferenceRequest r = body instanceof Map<?, ?> m ? JSON.convertValue(m, ReferenceRequest.class)
                    : body instanceof byte[] b ? JSON.readValue(b, ReferenceRequest.class)
                    : JSON.readValue(String.valueOf(body), ReferenceRequest.class);
            if (r.symbol() == null) {
                throw new DataException("not a " + kind + " request (no symbol): " + body);
            }
            return r.kind() == null ? new ReferenceRequest(r.runId(), kind, r.symbol(), r.expiration()) : r;
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new DataException("not a " + kind + " request: " + e.getMessage(), e);
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
