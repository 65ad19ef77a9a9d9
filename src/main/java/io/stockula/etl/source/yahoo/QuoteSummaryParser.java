package io.stockula.etl.source.yahoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockula.etl.load.Batch;
import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import io.stockula.etl.load.TableSpecs;
import io.stockula.etl.validate.SymbolRules;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * v10 quoteSummary into {@code stocks} and {@code stock_info}. stock_info.info_json is the flat document
 * yfinance's {@code .info} builds (the modules merged in response order, {@code {raw,fmt}} collapsed to raw,
 * the meaningless {@code maxAge} dropped), so Stockula's readers find the keys they know. The stocks row takes
 * name, sector, industry, market cap, exchange code and currency from the modules that carry them.
 */
public final class QuoteSummaryParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Result parse(byte[] body, String requestedSymbol) {
        JsonNode root = ChartParser.read(body, requestedSymbol, "quoteSummary");
        JsonNode qs = root.path("quoteSummary");
        if (!qs.isObject()) {
            throw ChartParser.malformed("no quoteSummary object", body, requestedSymbol, null);
        }
        YahooErrors.throwIfError(qs, 200, "quoteSummary", requestedSymbol);
        JsonNode r = qs.path("result").path(0);
        if (!r.isObject()) {
            throw ChartParser.malformed("no quoteSummary result", body, requestedSymbol, null);
        }
        String symbol = SymbolRules.normalize(requestedSymbol);
        ObjectNode info = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> modules = r.fields(); modules.hasNext(); ) {
            JsonNode module = modules.next().getValue();
            if (!module.isObject()) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> f = module.fields(); f.hasNext(); ) {
                Map.Entry<String, JsonNode> e = f.next();
                if (e.getKey().equals("maxAge")) {
                    continue;
                }
                JsonNode v = flat(e.getValue());
                if (v != null) {
                    info.set(e.getKey(), v);
                }
            }
        }
        info.put("symbol", symbol);
        JsonNode price = r.path("price");
        JsonNode quoteType = r.path("quoteType");
        JsonNode profile = r.path("assetProfile").isObject() ? r.path("assetProfile") : r.path("summaryProfile");
        JsonNode detail = r.path("summaryDetail");

        TableSpec stocks = TableSpecs.STOCKS;
        Row stock = new Row(stocks.columns().size(), symbol + "/quoteSummary", Map.of("symbol", symbol));
        stock.set(stocks.index("symbol"), symbol);
        stock.set(stocks.index("name"), first(price, "longName", quoteType, "longName", price, "shortName", quoteType, "shortName"));
        stock.set(stocks.index("sector"), first(profile, "sector"));
        stock.set(stocks.index("industry"), first(profile, "industry"));
        stock.set(stocks.index("market_cap"), number(price.path("marketCap"), detail.path("marketCap")));
        stock.set(stocks.index("exchange"), first(price, "exchange", quoteType, "exchange"));
        stock.set(stocks.index("currency"), first(price, "currency", detail, "currency"));

        TableSpec infoSpec = TableSpecs.STOCK_INFO;
        String infoJson = info.toString();
        Row infoRow = new Row(infoSpec.columns().size(), symbol + "/quoteSummary", Map.of("symbol", symbol));
        infoRow.set(infoSpec.index("symbol"), symbol);
        infoRow.set(infoSpec.index("info_json"), infoJson);

        return new Result(symbol,
                new Batch(stocks, ChartRows.PIPELINE, ChartRows.SOURCE, "quoteSummary", new java.util.ArrayList<>(List.of(stock))),
                new Batch(infoSpec, ChartRows.PIPELINE, ChartRows.SOURCE, "quoteSummary", new java.util.ArrayList<>(List.of(infoRow))),
                first(quoteType, "timeZoneFullName", price, "exchangeTimezoneName"),
                first(quoteType, "quoteType", price, "quoteType"));
    }

    /** {raw,fmt} -> raw; {} (Yahoo's empty value) -> dropped; everything else as it is. */
    static JsonNode flat(JsonNode v) {
        if (v == null || v.isNull()) {
            return v;
        }
        if (v.isObject()) {
            if (v.has("raw")) {
                return v.get("raw");
            }
            if (v.isEmpty()) {
                return null;
            }
        }
        return v;
    }

    private static String first(Object... nodeFieldPairs) {
        for (int i = 0; i < nodeFieldPairs.length; i += 2) {
            JsonNode v = flat(((JsonNode) nodeFieldPairs[i]).path((String) nodeFieldPairs[i + 1]));
            if (v != null && v.isTextual() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return null;
    }

    private static Double number(JsonNode... candidates) {
        for (JsonNode c : candidates) {
            JsonNode v = flat(c);
            if (v != null && v.isNumber()) {
                return v.asDouble();
            }
        }
        return null;
    }

    /** The two batches and what goes to stocks' own columns (zone, instrument type). */
    public record Result(String symbol, Batch stocks, Batch info, String timezone, String instrumentType) {
    }
}
