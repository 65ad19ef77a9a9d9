package io.stockula.etl.source.yahoo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
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
 * {@code timestamp} key and {@code quote:[{}]}. Yahoo's own error object wins over anything else in the body.
 * The arrays are read as a stream of tokens (no tree of a thousand number nodes per response): parsing is most
 * of what the pipeline spends on a response beyond the database write.
 */
public final class ChartParser {

    /** Yahoo answers are mostly decimal numbers: the fast double parser halves the time spent reading them. */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build());

    public ChartData parse(byte[] body, String requestedSymbol) {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed("not a JSON object", body, requestedSymbol, null);
            }
            Parts parts = null;
            JsonNode error = null;
            boolean sawChart = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (!"chart".equals(name) || p.currentToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                sawChart = true;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if ("error".equals(field) && t == JsonToken.START_OBJECT) {
                        error = p.readValueAsTree();
                    } else if ("result".equals(field) && t == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (parts == null && p.currentToken() == JsonToken.START_OBJECT) {
                                parts = result(p, body, requestedSymbol);
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            }
            if (error != null) {
                YahooErrors.throwIfError(JSON.createObjectNode().set("error", error), 200, "chart", requestedSymbol);
            }
            if (!sawChart) {
                throw malformed("no chart object", body, requestedSymbol, null);
            }
            if (parts == null) {
                throw malformed("no chart result", body, requestedSymbol, null);
            }
            return parts.toData(body, requestedSymbol);
        } catch (JsonProcessingException e) {
            throw malformed("not valid JSON (" + e.getOriginalMessage() + ")", body, requestedSymbol, e);
        } catch (IOException e) {
            throw malformed("unreadable (" + e.getMessage() + ")", body, requestedSymbol, e);
        }
    }

    /**
     * One {@code result[]} element. The big arrays (timestamp and the quote columns) are read token by token
     * straight into arrays; meta and events, small and irregular, as trees.
     */
    private static Parts result(JsonParser p, byte[] body, String symbol) throws IOException {
        Parts parts = new Parts();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "meta" -> parts.meta = t == JsonToken.START_OBJECT ? p.readValueAsTree() : skip(p);
                case "events" -> parts.events = t == JsonToken.START_OBJECT ? p.readValueAsTree() : skip(p);
                case "timestamp" -> parts.timestamps = t == JsonToken.START_ARRAY ? longs(p, body, symbol) : timestampsOf(p, body, symbol);
                case "indicators" -> {
                    if (t == JsonToken.START_OBJECT) {
                        indicators(p, parts, body, symbol);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return parts;
    }

    private static JsonNode skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static long[] timestampsOf(JsonParser p, byte[] body, String symbol) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        throw malformed("timestamp is not an array", body, symbol, null);
    }

    private static void indicators(JsonParser p, Parts parts, byte[] body, String symbol) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            java.util.Set<String> wanted = INDICATOR_COLUMNS.get(p.currentName());
            if (p.nextToken() != JsonToken.START_ARRAY || wanted == null) {
                p.skipChildren();
                continue;
            }
            columns(p, parts, wanted, body, symbol);
        }
    }

    /**
     * The wanted columns of the first object of {@code "quote":[{"open":[...],...}]} or {@code "adjclose":
     * [{"adjclose":[...]}]} (daily and longer bars only; {@code [{}]} when there are none).
     */
    private static void columns(JsonParser p, Parts parts, java.util.Set<String> wanted, byte[] body, String symbol)
            throws IOException {
        boolean first = true;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (!first || p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            first = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String column = p.currentName();
                JsonToken c = p.nextToken();
                if (!wanted.contains(column)) {
                    p.skipChildren();
                } else if (c == JsonToken.START_ARRAY) {
                    parts.quote.put(column, doubles(p, column, body, symbol));
                } else if (c == JsonToken.VALUE_NULL) {
                    parts.quote.put(column, null);
                } else {
                    throw malformed(column + " is not an array", body, symbol, null);
                }
            }
        }
    }

    private static final java.util.Set<String> QUOTE_COLUMNS = java.util.Set.of("open", "high", "low", "close", "volume");
    private static final Map<String, java.util.Set<String>> INDICATOR_COLUMNS = Map.of("quote", QUOTE_COLUMNS,
            "adjclose", java.util.Set.of("adjclose"));

    private static long[] longs(JsonParser p, byte[] body, String symbol) throws IOException {
        long[] out = new long[64];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (!p.currentToken().isNumeric()) {
                throw malformed("timestamp[" + n + "] is not a number", body, symbol, null);
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = p.getLongValue();
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static Double[] doubles(JsonParser p, String column, byte[] body, String symbol) throws IOException {
        Double[] out = new Double[64];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                out[n++] = null;
            } else if (t.isNumeric()) {
                out[n++] = p.getDoubleValue();
            } else if (t == JsonToken.VALUE_STRING) {
                out[n++] = number(JSON.getNodeFactory().textNode(p.getText()), column + "[" + n + "]", body, symbol);
            } else if (t == JsonToken.START_OBJECT) {
                out[n++] = number(p.readValueAsTree(), column + "[" + n + "]", body, symbol);
            } else {
                throw malformed(column + "[" + n + "] is not a number", body, symbol, null);
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** What the streaming read collected, checked and assembled into {@link ChartData}. */
    private static final class Parts {
        JsonNode meta;
        JsonNode events;
        long[] timestamps;
        final Map<String, Double[]> quote = new java.util.HashMap<>();

        ChartData toData(byte[] body, String symbol) {
            JsonNode m = meta == null ? JSON.createObjectNode() : meta;
            long[] ts = timestamps == null ? new long[0] : timestamps;
            int n = ts.length;
            Double[] open = column("open", n, body, symbol);
            Double[] high = column("high", n, body, symbol);
            Double[] low = column("low", n, body, symbol);
            Double[] close = column("close", n, body, symbol);
            Double[] vol = column("volume", n, body, symbol);
            Double[] adjclose = column("adjclose", n, body, symbol);
            Long[] volume = new Long[n];
            for (int i = 0; i < n; i++) {
                volume[i] = vol[i] == null ? null : Math.round(vol[i]);
            }
            JsonNode ev = events == null ? JSON.createObjectNode() : events;
            return new ChartData(text(m, "symbol", symbol), text(m, "dataGranularity", null),
                    text(m, "exchangeTimezoneName", null), text(m, "instrumentType", null), text(m, "exchangeName", null),
                    text(m, "currency", null), text(m, "longName", null), text(m, "shortName", null),
                    m.path("regularMarketTime").isNumber() ? m.path("regularMarketTime").asLong() : null,
                    ts, open, high, low, close, volume, adjclose, dividends(ev.path("dividends")), splits(ev.path("splits")),
                    regularPeriods(m.path("tradingPeriods")));
        }

        private Double[] column(String name, int n, byte[] body, String symbol) {
            Double[] a = quote.get(name);
            if (a == null) {
                return new Double[n]; // absent (a window without bars: quote [{}]) or null: all null
            }
            if (a.length != n) {
                throw malformed(name + " has " + a.length + " values for " + n + " timestamps", body, symbol, null);
            }
            return a;
        }
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
