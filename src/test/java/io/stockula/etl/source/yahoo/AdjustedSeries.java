package io.stockula.etl.source.yahoo;

import io.stockula.etl.testsupport.StockulaDbGenerator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A made-up daily series with dividends and splits, as Yahoo would serve it at different moments: the bars of
 * the first {@code count} trading days, split-adjusted through the splits among them, with adjclose through the
 * dividends among them (CRSP: 1 - amount / previous close). From it: the v8 chart JSON of a window, the
 * yfinance auto_adjust=True values a Stockula file fetched at that moment holds, and such a file.
 */
final class AdjustedSeries {

    final String symbol;
    final ZoneId zone;
    final LocalDate[] days;
    final long[] ts;
    final double[] o;
    final double[] h;
    final double[] l;
    final double[] c;
    final long[] v;
    final Map<Integer, Double> dividends = new TreeMap<>();
    final Map<Integer, Double> splits = new TreeMap<>();

    AdjustedSeries(String symbol, ZoneId zone, LocalTime open, LocalDate first, int n, double start, long seed) {
        this.symbol = symbol;
        this.zone = zone;
        days = new LocalDate[n];
        ts = new long[n];
        o = new double[n];
        h = new double[n];
        l = new double[n];
        c = new double[n];
        v = new long[n];
        SplittableRandom r = new SplittableRandom(seed);
        double price = start;
        LocalDate d = first;
        for (int i = 0; i < n; d = d.plusDays(1)) {
            if (d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY) {
                continue;
            }
            days[i] = d;
            ts[i] = d.atTime(open).atZone(zone).toEpochSecond();
            double op = price * (1 + (r.nextDouble() - 0.5) * 0.01);
            double cl = op * (1 + (r.nextDouble() - 0.5) * 0.03);
            o[i] = (float) op;
            c[i] = (float) cl;
            h[i] = Math.max((float) (Math.max(op, cl) * (1 + r.nextDouble() * 0.01)), Math.max(o[i], c[i]));
            l[i] = Math.min((float) (Math.min(op, cl) * (1 - r.nextDouble() * 0.01)), Math.min(o[i], c[i]));
            v[i] = 1_000_000L + r.nextLong(9_000_000L);
            price = cl;
            i++;
        }
    }

    AdjustedSeries dividend(int day, double amount) {
        dividends.put(day, amount);
        return this;
    }

    AdjustedSeries split(int day, double ratio) {
        splits.put(day, ratio);
        return this;
    }

    /** What bar i is divided by for the splits Yahoo knows when it has {@code count} bars. */
    double splitDivisor(int i, int count) {
        double f = 1;
        for (Map.Entry<Integer, Double> s : splits.entrySet()) {
            if (s.getKey() > i && s.getKey() < count) {
                f *= s.getValue();
            }
        }
        return f;
    }

    double open(int i, int count) {
        return o[i] / splitDivisor(i, count);
    }

    double high(int i, int count) {
        return h[i] / splitDivisor(i, count);
    }

    double low(int i, int count) {
        return l[i] / splitDivisor(i, count);
    }

    double close(int i, int count) {
        return c[i] / splitDivisor(i, count);
    }

    long volume(int i, int count) {
        return Math.round(v[i] * splitDivisor(i, count));
    }

    double adjclose(int i, int count) {
        double f = 1;
        for (Map.Entry<Integer, Double> d : dividends.entrySet()) {
            if (d.getKey() > i && d.getKey() < count) {
                f *= 1 - d.getValue() / close(d.getKey() - 1, count);
            }
        }
        return close(i, count) * f;
    }

    /** yfinance auto_adjust=True at that moment: {open, high, low, close}, as the pipeline computes them. */
    double[] autoAdjusted(int i, int count) {
        double f = adjclose(i, count) / close(i, count);
        return new double[] {open(i, count) * f, high(i, count) * f, low(i, count) * f, adjclose(i, count)};
    }

    /** The v8 chart answer of bars [from, count) when Yahoo has {@code count} bars, with the events in the window. */
    String json(int from, int count) {
        StringBuilder b = new StringBuilder();
        b.append("{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"USD\",\"symbol\":\"").append(symbol)
                .append("\",\"exchangeName\":\"NMS\",\"instrumentType\":\"EQUITY\",\"regularMarketTime\":")
                .append(ts[count - 1] + 23400).append(",\"exchangeTimezoneName\":\"").append(zone.getId())
                .append("\",\"dataGranularity\":\"1d\"},\"timestamp\":[");
        for (int i = from; i < count; i++) {
            b.append(i == from ? "" : ",").append(ts[i]);
        }
        b.append("],\"events\":{\"dividends\":{");
        String sep = "";
        for (Map.Entry<Integer, Double> d : dividends.entrySet()) {
            if (d.getKey() >= from && d.getKey() < count) {
                b.append(sep).append('"').append(ts[d.getKey()]).append("\":{\"amount\":").append(d.getValue())
                        .append(",\"date\":").append(ts[d.getKey()]).append('}');
                sep = ",";
            }
        }
        b.append("},\"splits\":{");
        sep = "";
        for (Map.Entry<Integer, Double> s : splits.entrySet()) {
            if (s.getKey() >= from && s.getKey() < count) {
                b.append(sep).append('"').append(ts[s.getKey()]).append("\":{\"date\":").append(ts[s.getKey()])
                        .append(",\"numerator\":").append(s.getValue()).append(",\"denominator\":1.0}");
                sep = ",";
            }
        }
        b.append("}},\"indicators\":{\"quote\":[{");
        column(b, "open", from, count, i -> open(i, count));
        column(b, ",\"high", from, count, i -> high(i, count));
        column(b, ",\"low", from, count, i -> low(i, count));
        column(b, ",\"close", from, count, i -> close(i, count));
        b.append(",\"volume\":[");
        for (int i = from; i < count; i++) {
            b.append(i == from ? "" : ",").append(volume(i, count));
        }
        b.append("]}],\"adjclose\":[{");
        column(b, "adjclose", from, count, i -> adjclose(i, count));
        b.append("}]}}],\"error\":null}}");
        return b.toString();
    }

    private static void column(StringBuilder b, String name, int from, int count, java.util.function.IntToDoubleFunction f) {
        b.append(name.startsWith(",") ? ",\"" + name.substring(2) : "\"" + name).append("\":[");
        for (int i = from; i < count; i++) {
            b.append(i == from ? "" : ",").append(f.applyAsDouble(i));
        }
        b.append(']');
    }

    /** Midnight of day i in the series' zone: the key of its daily bar. */
    Instant key(int i) {
        return days[i].atStartOfDay(zone).toInstant();
    }

    /**
     * A Stockula file as Stockula fetched it when Yahoo had {@code count} bars: yfinance's auto-adjusted bars and
     * the dividends it knew, stamped with {@code fetchedAt} (SQLAlchemy's naive UTC text).
     */
    void writeStockulaFile(Path file, int count, String fetchedAt) throws SQLException {
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = conn.createStatement()) {
            for (String ddl : StockulaDbGenerator.HEAD_SCHEMA.split(";")) {
                if (!ddl.isBlank()) {
                    st.execute(ddl);
                }
            }
            addTo(conn, count, fetchedAt);
        }
    }

    void addTo(Connection conn, int count, String fetchedAt) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO price_history (symbol, date, open_price,"
                + " high_price, low_price, close_price, volume, interval, created_at, updated_at)"
                + " VALUES (?,?,?,?,?,?,?,'1d',?,?)")) {
            for (int i = 0; i < count; i++) {
                double[] a = autoAdjusted(i, count);
                ps.setString(1, symbol);
                ps.setString(2, days[i].toString());
                for (int k = 0; k < 4; k++) {
                    ps.setDouble(3 + k, a[k]);
                }
                ps.setLong(7, volume(i, count));
                ps.setString(8, fetchedAt);
                ps.setString(9, fetchedAt);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO dividends (symbol, date, amount, created_at,"
                + " updated_at) VALUES (?,?,?,?,?)")) {
            for (Map.Entry<Integer, Double> d : dividends.entrySet()) {
                if (d.getKey() < count) {
                    ps.setString(1, symbol);
                    ps.setString(2, days[d.getKey()].toString());
                    ps.setDouble(3, d.getValue());
                    ps.setString(4, fetchedAt);
                    ps.setString(5, fetchedAt);
                    ps.executeUpdate();
                }
            }
        }
    }
}
