package io.stockula.etl.source.yahoo;

import io.stockula.etl.load.Batch;
import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import io.stockula.etl.load.TableSpecs;
import io.stockula.etl.transform.PriceUnits;
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
    private static final int P_RAW_OPEN = PH.index("raw_open");
    private static final int P_RAW_HIGH = PH.index("raw_high");
    private static final int P_RAW_LOW = PH.index("raw_low");
    private static final int P_RAW_CLOSE = PH.index("raw_close");
    private static final int P_ADJ_CLOSE = PH.index("adj_close");
    private static final int P_SOURCE = PH.index("source");
    private static final int P_AS_OF = PH.index("as_of");

    private final TradingDates dates;
    private final PriceUnits units;

    public ChartRows(TradingDates dates) {
        this(dates, PriceUnits.stockula());
    }

    public ChartRows(TradingDates dates, PriceUnits units) {
        this.dates = dates;
        this.units = units;
    }

    public ChartResult toResult(ChartRequest request, ChartData data) {
        return toResult(request, data, Instant.now());
    }

    /**
     * @param fetchedAt when Yahoo answered: the as_of of every bar, and the moment the adjusted prices are true for
     */
    public ChartResult toResult(ChartRequest request, ChartData data, Instant fetchedAt) {
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

        double[] factor = daily ? adjustment(data) : null;
        double divisor = units.yahooDivisor(symbol);
        OffsetDateTime asOf = fetchedAt.atOffset(ZoneOffset.UTC);
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
                fold(rows.get(rows.size() - 1), bar(symbol, interval, null, null, data, i, factor, divisor, asOf));
                continue;
            }
            OffsetDateTime at = daily ? dates.midnight(zone, TradingDates.tradingDate(ts[i], zone))
                    : OffsetDateTime.ofInstant(Instant.ofEpochSecond(ts[i]), ZoneOffset.UTC);
            String key = symbol + "/" + interval + "/" + (daily ? at.toLocalDate().toString() : at.toInstant().toString());
            rows.add(bar(symbol, interval, key, at, data, i, factor, divisor, asOf));
        }
        Batch prices = new Batch(PH, PIPELINE, SOURCE, "chart", rows);
        prices.setRowsRead(n);
        return new ChartResult(request, data, prices, dividends(symbol, data, zone), splits(symbol, data, zone), n,
                skippedNull, skippedOutside, skippedLive, foldLive ? 1 : 0);
    }

    /**
     * Bar i in Stockula's basis (yfinance auto_adjust=True): for daily and longer bars O/H/L times adjclose/close and
     * close = adjclose; intraday bars as Yahoo sends them (no adjclose, as yfinance). The raw values and adjclose are
     * kept beside them; a rate symbol's prices are divided into Stockula's decimal unit.
     */
    private static Row bar(String symbol, String interval, String key, OffsetDateTime at, ChartData data, int i,
                           double[] factor, double divisor, OffsetDateTime asOf) {
        Row row = new Row(PH.columns().size(), key, original(symbol, interval, data, i));
        row.set(P_SYMBOL, symbol);
        row.set(P_TS, at);
        row.set(P_INTERVAL, interval);
        double f = factor == null ? 1.0 : factor[i];
        Double adj = data.adjclose()[i];
        row.set(P_OPEN, scaled(data.open()[i], f, divisor));
        row.set(P_HIGH, scaled(data.high()[i], f, divisor));
        row.set(P_LOW, scaled(data.low()[i], f, divisor));
        row.set(P_CLOSE, factor != null && adj != null ? PriceUnits.divide(adj, divisor) : scaled(data.close()[i], f, divisor));
        row.set(P_VOLUME, data.volume()[i]);
        row.set(P_RAW_OPEN, PriceUnits.divide(data.open()[i], divisor));
        row.set(P_RAW_HIGH, PriceUnits.divide(data.high()[i], divisor));
        row.set(P_RAW_LOW, PriceUnits.divide(data.low()[i], divisor));
        row.set(P_RAW_CLOSE, PriceUnits.divide(data.close()[i], divisor));
        row.set(P_ADJ_CLOSE, factor == null ? null : PriceUnits.divide(adj, divisor));
        row.set(P_SOURCE, SOURCE);
        row.set(P_AS_OF, asOf);
        return row;
    }

    private static Double scaled(Double v, double factor, double divisor) {
        return v == null ? null : factor == 1.0 ? PriceUnits.divide(v, divisor) : Double.valueOf(v * factor / divisor);
    }

    /**
     * adjclose/close of every bar. Where Yahoo left adjclose (or close) out, the factor of the nearest later bar that
     * has one (the factor only changes at an ex-date, and applies to every bar before it), else of the nearest
     * earlier one, else 1.
     */
    static double[] adjustment(ChartData data) {
        int n = data.size();
        double[] f = new double[n];
        double next = Double.NaN;
        for (int i = n - 1; i >= 0; i--) {
            Double a = data.adjclose()[i];
            Double c = data.close()[i];
            if (a != null && c != null && c != 0 && Double.isFinite(a / c)) {
                next = a / c;
            }
            f[i] = next;
        }
        double prev = 1.0;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(f[i])) {
                f[i] = prev;
            } else {
                prev = f[i];
            }
        }
        return f;
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

    /** The live row into its period's bar: highest high, lowest low, its close, volumes added (each basis alike). */
    private static void fold(Row into, Row live) {
        for (int[] hl : new int[][] {{P_HIGH, P_LOW, P_CLOSE}, {P_RAW_HIGH, P_RAW_LOW, P_RAW_CLOSE}}) {
            Double h = (Double) live.get(hl[0]);
            Double l = (Double) live.get(hl[1]);
            Double high = (Double) into.get(hl[0]);
            Double low = (Double) into.get(hl[1]);
            into.set(hl[0], high == null ? h : h == null ? high : Math.max(high, h));
            into.set(hl[1], low == null ? l : l == null ? low : Math.min(low, l));
            if (live.get(hl[2]) != null) {
                into.set(hl[2], live.get(hl[2]));
            }
        }
        if (live.get(P_ADJ_CLOSE) != null) {
            into.set(P_ADJ_CLOSE, live.get(P_ADJ_CLOSE));
        }
        Long v = (Long) into.get(P_VOLUME);
        Long lv = (Long) live.get(P_VOLUME);
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
                data.close()[i], data.adjclose()[i], data.volume()[i]);
    }

    /** A bar as Yahoo sent it (epoch seconds), kept for rejected_records and merged_records. */
    public record RawBar(String symbol, String interval, long timestamp, Double open, Double high, Double low,
                         Double close, Double adjclose, Long volume) {
    }
}
