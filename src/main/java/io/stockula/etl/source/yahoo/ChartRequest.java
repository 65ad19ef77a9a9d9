package io.stockula.etl.source.yahoo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.ops.DataException;
import io.stockula.etl.transform.TradingDates;
import java.util.Map;

/**
 * One v8 chart call: a symbol, an interval and a window {@code [period1, period2)} in epoch seconds. It is the
 * message of the {@code yahoo-chart} route, so it is also what a dead letter holds and what a replay sends back.
 *
 * @param reason why the window is what it is: {@code first} (whole history on first sight), {@code incremental}
 *               (from Yahoo's last stored bar minus an overlap), {@code rebase} (a new dividend or split
 *               changed the adjusted history, or a rebase owed from an earlier run), {@code split-refetch} (the older
 *               name of a rebase, still accepted from dead letters) or {@code backfill} (asked for on the command line)
 */
public record ChartRequest(Long runId, String symbol, String interval, long period1, long period2, String reason) {

    public static final String FIRST = "first";
    public static final String INCREMENTAL = "incremental";
    public static final String SPLIT_REFETCH = "split-refetch";
    /** A dividend or split the database did not know (or a rebase owed from an earlier run): the whole history. */
    public static final String REBASE = "rebase";
    public static final String BACKFILL = "backfill";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A window that reaches back to the start of the symbol's history (no split refetch is needed after it). */
    public boolean wholeHistory() {
        return FIRST.equals(reason) || SPLIT_REFETCH.equals(reason) || REBASE.equals(reason);
    }

    /** Dividends and splits come with daily and longer bars (their map keys are wrong for 1wk+, dates are not). */
    public boolean withEvents() {
        return TradingDates.isDailyOrLonger(interval);
    }

    /** The query string; includePrePost=false keeps extended-hours bars out of intraday series. */
    public String query() {
        return "period1=" + period1 + "&period2=" + period2 + "&interval=" + interval + "&includePrePost=false"
                + (withEvents() ? "&events=div,splits" : "");
    }

    public ChartRequest withRunId(Long id) {
        return new ChartRequest(id, symbol, interval, period1, period2, reason);
    }

    /** Accepts the record itself, or its JSON (a replayed dead letter), or a map with the same keys. */
    public static ChartRequest from(Object body) {
        if (body instanceof ChartRequest r) {
            return r;
        }
        try {
            ChartRequest r = body instanceof Map<?, ?> m ? JSON.convertValue(m, ChartRequest.class)
                    : body instanceof byte[] b ? JSON.readValue(b, ChartRequest.class)
                    : JSON.readValue(String.valueOf(body), ChartRequest.class);
            if (r.symbol() == null || r.interval() == null) {
                throw new DataException("not a chart request (symbol and interval are needed): " + body);
            }
            return r;
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new DataException("not a chart request: " + e.getMessage(), e);
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
