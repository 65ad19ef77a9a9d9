package io.stockula.etl.source.yahoo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a v8 chart body. Everything is read by name (key order varies between responses), every meta field is
 * optional, whole numbers may come as {@code 4} or {@code 4.0}, and a window without bars has no
 * {@code timestamp} key and {@code quote:[{}]}. Yahoo's own error object is checked before anything else.
 */
public final class ChartParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ChartData parse(byte[] body, String requestedSymbol) {
        JsonNode root = read(body, requestedSymbol, "chart");
        JsonNode chart = root.path("chart");
        if (!chart.isObject()) {
            throw malformed("no chart object", body, requestedSymbol, null);
        }
        YahooErrors.throwIfError(chart, 200, "chart", requestedSymbol);
        JsonNode result = chart.path("result");
        JsonNode r = result.isArray() && !result.isEmpty() ? result.get(0) : null;
        if (r == null || !r.isObject()) {
            throw malformed("no chart result", body, requestedSymbol, null);
        }
        JsonNode meta = r.path("meta");
        long[] ts = timestamps(r.path("timestamp"), body, requestedSymbol);
        int n = ts.length;
        JsonNode quote = r.path("indicators").path("quote").path(0);
        Double[] open = doubles(quote, "open", n, body, requestedSymbol);
        Double[] high = doubles(quote, "high", n, body, requestedSymbol);
        Double[] low = doubles(quote, "low", n, body, requestedSymbol);
        Double[] close = doubles(quote, "close", n, body, requestedSymbol);
        Double[] vol = doubles(quote, "volume", n, body, requestedSymbol);
        Long[] volume = new Long[n];
        for (int i = 0; i < n; i++) {
            volume[i] = vol[i] == null ? null : Math.round(vol[i]);
        }
        JsonNode events = r.path("events");
        return new ChartData(text(meta, "symbol", requestedSymbol), text(meta, "dataGranularity", null),
                text(meta, "exchangeTimezoneName", null), text(meta, "instrumentType", null),
                text(meta, "exchangeName", null), text(meta, "currency", null), text(meta, "longName", null),
                text(meta, "shortName", null), meta.path("regularMarketTime").isNumber()
                        ? meta.path("regularMarketTime").asLong() : null,
                ts, open, high, low, close, volume, dividends(events.path("dividends")), splits(events.path("splits")),
                regularPeriods(meta.path("tradingPeriods")));
    }

    static JsonNode read(byte[] body, String symbol, String endpoint) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw malformed("not a JSON object", body, symbol, null);
            }
            return root;
        } catch (JsonProcessingException e) {
            throw malformed("not valid JSON (" + e.getOriginalMessage() + ")", body, symbol, e);
        } catch (IOException e) {
            throw malformed("unreadable (" + e.getMessage() + ")", body, symbol, e);
        }
    }

    static YahooMalformedResponseException malformed(String what, byte[] body, String symbol, Throwable cause) {
        return new YahooMalformedResponseException("Yahoo response for " + symbol + " is " + what,
                body == null ? null : new String(body, StandardCharsets.UTF_8), cause);
    }

    private static long[] timestamps(JsonNode node, byte[] body, String symbol) {
        if (node.isMissingNode() || node.isNull()) {
            return new long[0];
        }
        if (!node.isArray()) {
            throw malformed("timestamp is not an array", body, symbol, null);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode t = node.get(i);
            if (!t.isNumber()) {
                throw malformed("timestamp[" + i + "] is not a number", body, symbol, null);
            }
            out[i] = t.asLong();
        }
        return out;
    }

    private static Double[] doubles(JsonNode quote, String field, int n, byte[] body, String symbol) {
        Double[] out = new Double[n];
        JsonNode a = quote.path(field);
        if (a.isMissingNode() || a.isNull()) {
            return out; // all null
        }
        if (!a.isArray() || a.size() != n) {
            throw malformed(field + " has " + (a.isArray() ? a.size() : "no") + " values for " + n + " timestamps",
                    body, symbol, null);
        }
        for (int i = 0; i < n; i++) {
            out[i] = number(a.get(i), field + "[" + i + "]", body, symbol);
        }
        return out;
    }

    static Double number(JsonNode v, String where, byte[] body, String symbol) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isObject() && v.has("raw")) { // the formatted shape {"raw":1.5,"fmt":"1.50"}
            return number(v.get("raw"), where, body, symbol);
        }
        if (v.isTextual()) {
            try {
                return Double.valueOf(v.asText());
            } catch (NumberFormatException e) {
                throw malformed(where + " is not a number (" + v.asText() + ")", body, symbol, e);
            }
        }
        throw malformed(where + " is not a number", body, symbol, null);
    }

    private static String text(JsonNode o, String field, String fallback) {
        JsonNode v = o.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText() : fallback;
    }

    private static List<ChartData.Dividend> dividends(JsonNode map) {
        List<ChartData.Dividend> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : fields(map)) {
            JsonNode d = e.getValue();
            long date = d.path("date").isNumber() ? d.path("date").asLong() : Long.parseLong(e.getKey());
            JsonNode amount = d.path("amount");
            out.add(new ChartData.Dividend(date, amount.isNumber() ? amount.asDouble() : null));
        }
        out.sort((a, b) -> Long.compare(a.date(), b.date()));
        return out;
    }

    private static List<ChartData.Split> splits(JsonNode map) {
        List<ChartData.Split> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : fields(map)) {
            JsonNode s = e.getValue();
            long date = s.path("date").isNumber() ? s.path("date").asLong() : Long.parseLong(e.getKey());
            Double num = s.path("numerator").isNumber() ? s.path("numerator").asDouble() : null;
            Double den = s.path("denominator").isNumber() ? s.path("denominator").asDouble() : null;
            if ((num == null || den == null) && s.path("splitRatio").isTextual()) {
                String[] parts = s.path("splitRatio").asText().split("[:/]");
                if (parts.length == 2) {
                    try {
                        num = Double.valueOf(parts[0].trim());
                        den = Double.valueOf(parts[1].trim());
                    } catch (NumberFormatException ignored) {
                        // left null: the validator rejects the split with a reason
                    }
                }
            }
            out.add(new ChartData.Split(date, num, den));
        }
        out.sort((a, b) -> Long.compare(a.date(), b.date()));
        return out;
    }

    /** {@code [[{start,end}],...]} without pre/post, {@code {pre,regular,post}} with it; only regular counts. */
    private static List<long[]> regularPeriods(JsonNode tp) {
        List<long[]> out = new ArrayList<>();
        JsonNode days = tp.isObject() ? tp.path("regular") : tp;
        if (!days.isArray()) {
            return out;
        }
        for (JsonNode day : days) {
            for (JsonNode p : day.isArray() ? day : List.of(day)) {
                if (p.path("start").isNumber() && p.path("end").isNumber()) {
                    out.add(new long[] {p.path("start").asLong(), p.path("end").asLong()});
                }
            }
        }
        return out;
    }

    private static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode map) {
        return map.isObject() ? map::fields : List.of();
    }
}
