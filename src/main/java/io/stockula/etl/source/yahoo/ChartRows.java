package io.stockula.etl.source.yahoo;

import io.stockula.etl.load.Batch;
import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import io.stockula.etl.load.TableSpecs;
import io.stockula.etl.transform.TradingDates;
import io.stockula.etl.validate.SymbolRules;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a parsed chart into rows of price_history, dividends and splits, by the shared trading-date rule:
 * a daily or longer bar at midnight of its trading date in the exchange's zone (so the live last bar, stamped
 * at the last trade, lands on the same row as the final bar stamped at the open, and a migrated bar of the same
 * day is the same row), an intraday bar at its exact instant. Bars that are not bars are skipped and counted:
 * all-null rows, intraday bars outside the regular session (Yahoo's zero-volume bar at the close), and an
 * intraday live bar at an unaligned time (it would never be overwritten by the final bar).
 */
public final class ChartRows {

    public static final String PIPELINE = "yahoo";
    public static final String SOURCE = "yahoo";

    private static final TableSpec PH = TableSpecs.PRICE_HISTORY;
    private static final int P_SYMBOL = PH.index("symbol");
    private static final int P_TS = PH.index("timestamp");
    private static final int P_INTERVAL = PH.index("interval_type");
    private static final int P_OPEN = PH.index("open_price");
    private static final int P_HIGH = PH.index("high_price");
    private static final int P_LOW = PH.index("low_price");
    private static final int P_CLOSE = PH.index("close_price");
    private static final int P_VOLUME = PH.index("volume");

    private final TradingDates dates;

    public ChartRows(TradingDates dates) {
        this.dates = dates;
    }

    public ChartResult toResult(ChartRequest request, ChartData data) {
        String symbol = SymbolRules.normalize(request.symbol());
        String interval = request.interval();
        if (data.exchangeTimezoneName() != null && !data.isDelistedPlaceholder()) {
            try {
                dates.remember(symbol, data.exchangeTimezoneName());
            } catch (java.time.DateTimeException e) {
                // a zone name Java does not know: the symbol's shape decides (TradingDates.inferZone)
            }
        }
        ZoneId zone = dates.zoneOf(symbol);
        boolean daily = TradingDates.isDailyOrLonger(interval);
        int n = data.size();
        long[] ts = data.timestamps();
        Long live = data.regularMarketTime();
        int last = lastBar(data);

        boolean foldLive = !daily ? false : foldsIntoPeriod(interval, data, zone, last);
        boolean strayLive = !daily && last > 0 && live != null && ts[last] == live
                && (ts[last] - ts[previousBar(data, last)]) % Intervals.barLength(interval).toSeconds() != 0;

        List<Row> rows = new ArrayList<>(n);
        int skippedNull = 0;
        int skippedOutside = 0;
        int skippedLive = 0;
        for (int i = 0; i < n; i++) {
            if (data.allPricesNull(i)) {
                skippedNull++;
                continue;
            }
            if (!daily && !insideRegularSession(data, ts[i])) {
                skippedOutside++;
                continue;
            }
            if (i == last && strayLive) {
                skippedLive++;
                continue;
            }
            if (i == last && foldLive) {
                fold(rows.get(rows.size() - 1), data, i);
                continue;
            }
            OffsetDateTime at = daily ? dates.midnight(zone, TradingDates.tradingDate(ts[i], zone))
                    : OffsetDateTime.ofInstant(Instant.ofEpochSecond(ts[i]), ZoneOffset.UTC);
            String key = symbol + "/" + interval + "/" + (daily ? at.toLocalDate().toString() : at.toInstant().toString());
            Row row = new Row(PH.columns().size(), key, original(symbol, interval, data, i));
            row.set(P_SYMBOL, symbol);
            row.set(P_TS, at);
            row.set(P_INTERVAL, interval);
            row.set(P_OPEN, data.open()[i]);
            row.set(P_HIGH, data.high()[i]);
            row.set(P_LOW, data.low()[i]);
            row.set(P_CLOSE, data.close()[i]);
            row.set(P_VOLUME, data.volume()[i]);
            rows.add(row);
        }
        Batch prices = new Batch(PH, PIPELINE, SOURCE, "chart", rows);
        prices.setRowsRead(n);
        return new ChartResult(request, data, prices, dividends(symbol, data, zone), splits(symbol, data, zone), n,
                skippedNull, skippedOutside, skippedLive, foldLive ? 1 : 0);
    }

    private Batch dividends(String symbol, ChartData data, ZoneId zone) {
        TableSpec spec = TableSpecs.DIVIDENDS;
        List<Row> rows = new ArrayList<>(data.dividends().size());
        for (ChartData.Dividend d : data.dividends()) {
            LocalDate date = TradingDates.tradingDate(d.date(), zone);
            Row row = new Row(spec.columns().size(), symbol + "/dividend/" + date, Map.of("symbol", symbol,
                    "date", d.date(), "amount", String.valueOf(d.amount())));
            row.set(spec.index("symbol"), symbol);
            row.set(spec.index("date"), date);
            row.set(spec.index("amount"), d.amount());
            rows.add(row);
        }
        return new Batch(spec, PIPELINE, SOURCE, "chart", rows);
    }

    private Batch splits(String symbol, ChartData data, ZoneId zone) {
        TableSpec spec = TableSpecs.SPLITS;
        List<Row> rows = new ArrayList<>(data.splits().size());
        for (ChartData.Split s : data.splits()) {
            LocalDate date = TradingDates.tradingDate(s.date(), zone);
            Row row = new Row(spec.columns().size(), symbol + "/split/" + date, Map.of("symbol", symbol,
                    "date", s.date(), "numerator", String.valueOf(s.numerator()),
                    "denominator", String.valueOf(s.denominator())));
            row.set(spec.index("symbol"), symbol);
            row.set(spec.index("date"), date);
            row.set(spec.index("ratio"), s.ratio());
            rows.add(row);
        }
        return new Batch(spec, PIPELINE, SOURCE, "chart", rows);
    }

    /** The last bar that is not an all-null placeholder, or -1. */
    private static int lastBar(ChartData data) {
        for (int i = data.size() - 1; i >= 0; i--) {
            if (!data.allPricesNull(i)) {
                return i;
            }
        }
        return -1;
    }

    private static int previousBar(ChartData data, int last) {
        for (int i = last - 1; i >= 0; i--) {
            if (!data.allPricesNull(i)) {
                return i;
            }
        }
        return last;
    }

    /**
     * Weekly and longer series end with a separate live row (stamped at the last trade) inside the last period:
     * it is folded into that period's bar, as yfinance does, rather than stored as a bar of its own.
     */
    private static boolean foldsIntoPeriod(String interval, ChartData data, ZoneId zone, int last) {
        if (last < 1 || "1d".equals(interval) || data.regularMarketTime() == null
                || data.timestamps()[last] != data.regularMarketTime()) {
            return false;
        }
        int prev = previousBar(data, last);
        LocalDate periodStart = TradingDates.tradingDate(data.timestamps()[prev], zone);
        LocalDate liveDate = TradingDates.tradingDate(data.timestamps()[last], zone);
        LocalDate periodEnd = switch (interval) {
            case "5d" -> periodStart.plusDays(5);
            case "1wk" -> periodStart.plusWeeks(1);
            case "1mo" -> periodStart.plusMonths(1);
            default -> periodStart.plusMonths(3);
        };
        return !liveDate.isBefore(periodStart) && liveDate.isBefore(periodEnd);
    }

    private static void fold(Row into, ChartData data, int i) {
        Double h = data.high()[i];
        Double l = data.low()[i];
        Double high = (Double) into.get(P_HIGH);
        Double low = (Double) into.get(P_LOW);
        into.set(P_HIGH, high == null ? h : h == null ? high : Math.max(high, h));
        into.set(P_LOW, low == null ? l : l == null ? low : Math.min(low, l));
        if (data.close()[i] != null) {
            into.set(P_CLOSE, data.close()[i]);
        }
        Long v = (Long) into.get(P_VOLUME);
        Long lv = data.volume()[i];
        into.set(P_VOLUME, v == null ? lv : lv == null ? v : v + lv);
    }

    private static boolean insideRegularSession(ChartData data, long ts) {
        if (data.regularPeriods().isEmpty()) {
            return true;
        }
        for (long[] p : data.regularPeriods()) {
            if (ts >= p[0] && ts < p[1]) {
                return true;
            }
        }
        return false;
    }

    private static RawBar original(String symbol, String interval, ChartData data, int i) {
        return new RawBar(symbol, interval, data.timestamps()[i], data.open()[i], data.high()[i], data.low()[i],
                data.close()[i], data.volume()[i]);
    }

    /** A bar as Yahoo sent it (epoch seconds), kept for rejected_records. */
    public record RawBar(String symbol, String interval, long timestamp, Double open, Double high, Double low,
                         Double close, Long volume) {
    }
}
