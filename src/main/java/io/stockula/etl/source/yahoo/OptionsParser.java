package io.stockula.etl.source.yahoo;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockula.etl.load.Batch;
import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import io.stockula.etl.load.TableSpecs;
import io.stockula.etl.validate.SymbolRules;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * v7 options into {@code options_calls} and {@code options_puts}. Every row of one answer carries the same
 * snapshot_at: the quote's {@code regularMarketTime} (when the prices were true), or the time of the call when
 * the answer has none, so each snapshot is kept beside the earlier ones rather than overwriting them, and
 * pulling the same closed-market chain twice lands on the same rows. Expiration dates are the UTC dates of
 * Yahoo's expiry epochs (00:00Z of the expiry day). Keys Yahoo leaves out (volume on illiquid contracts) are null.
 */
public final class OptionsParser {

    public Result parse(byte[] body, String requestedSymbol, Instant now) {
        JsonNode root = ChartParser.read(body, requestedSymbol, "options");
        JsonNode chain = root.path("optionChain");
        if (!chain.isObject()) {
            throw ChartParser.malformed("no optionChain object", body, requestedSymbol, null);
        }
        YahooErrors.throwIfError(chain, 200, "options", requestedSymbol);
        String symbol = SymbolRules.normalize(requestedSymbol);
        JsonNode r = chain.path("result").path(0);
        TableSpec calls = TableSpecs.OPTIONS_CALLS;
        TableSpec puts = TableSpecs.OPTIONS_PUTS;
        List<Row> callRows = new ArrayList<>();
        List<Row> putRows = new ArrayList<>();
        List<Long> expirations = new ArrayList<>();
        OffsetDateTime snapshot = OffsetDateTime.ofInstant(now.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
        if (r.isObject()) {
            JsonNode quoteTime = r.path("quote").path("regularMarketTime");
            if (quoteTime.isNumber()) {
                snapshot = OffsetDateTime.ofInstant(Instant.ofEpochSecond(quoteTime.asLong()), ZoneOffset.UTC);
            }
            for (JsonNode e : r.path("expirationDates")) {
                if (e.isNumber()) {
                    expirations.add(e.asLong());
                }
            }
            for (JsonNode set : r.path("options")) {
                Long expiry = set.path("expirationDate").isNumber() ? set.path("expirationDate").asLong() : null;
                for (JsonNode c : set.path("calls")) {
                    callRows.add(row(calls, symbol, c, expiry, snapshot, body, requestedSymbol));
                }
                for (JsonNode p : set.path("puts")) {
                    putRows.add(row(puts, symbol, p, expiry, snapshot, body, requestedSymbol));
                }
            }
        }
        return new Result(symbol, new Batch(calls, ChartRows.PIPELINE, ChartRows.SOURCE, "options", callRows),
                new Batch(puts, ChartRows.PIPELINE, ChartRows.SOURCE, "options", putRows), expirations, snapshot);
    }

    private static Row row(TableSpec spec, String symbol, JsonNode c, Long setExpiry, OffsetDateTime snapshot,
                           byte[] body, String requested) {
        String contract = c.path("contractSymbol").asText("");
        Long expiry = c.path("expiration").isNumber() ? Long.valueOf(c.path("expiration").asLong()) : setExpiry;
        Map<String, Object> original = new LinkedHashMap<>();
        c.fields().forEachRemaining(e -> original.put(e.getKey(), e.getValue().isNumber() ? e.getValue().numberValue()
                : e.getValue().isBoolean() ? e.getValue().booleanValue() : e.getValue().asText()));
        Row row = new Row(spec.columns().size(), symbol + "/" + (contract.isEmpty() ? "?" : contract) + "/" + snapshot,
                original);
        row.set(spec.index("symbol"), symbol);
        row.set(spec.index("expiration_date"), expiry == null ? null
                : LocalDate.ofInstant(Instant.ofEpochSecond(expiry), ZoneOffset.UTC));
        row.set(spec.index("strike"), ChartParser.number(c.get("strike"), "strike", body, requested));
        row.set(spec.index("last_price"), ChartParser.number(c.get("lastPrice"), "lastPrice", body, requested));
        row.set(spec.index("bid"), ChartParser.number(c.get("bid"), "bid", body, requested));
        row.set(spec.index("ask"), ChartParser.number(c.get("ask"), "ask", body, requested));
        row.set(spec.index("volume"), whole(ChartParser.number(c.get("volume"), "volume", body, requested)));
        row.set(spec.index("open_interest"), whole(ChartParser.number(c.get("openInterest"), "openInterest", body, requested)));
        row.set(spec.index("implied_volatility"),
                ChartParser.number(c.get("impliedVolatility"), "impliedVolatility", body, requested));
        row.set(spec.index("in_the_money"), c.path("inTheMoney").isBoolean() ? c.path("inTheMoney").asBoolean() : null);
        row.set(spec.index("contract_symbol"), contract);
        row.set(spec.index("snapshot_at"), snapshot);
        return row;
    }

    private static Long whole(Double d) {
        return d == null ? null : Math.round(d);
    }

    /**
     * @param expirations every expiry Yahoo lists (from the nearest-expiry answer), epoch seconds
     */
    public record Result(String symbol, Batch calls, Batch puts, List<Long> expirations, OffsetDateTime snapshotAt) {
    }
}
