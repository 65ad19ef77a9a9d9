package io.stockula.etl.source.yahoo;

import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A year of daily bars for a made-up symbol, the same every time for the same symbol: as {@link ChartData} (for
 * loading straight from memory) and as the v8 chart JSON Yahoo would send (for the fake server). 252 weekdays of
 * 2025 at the 09:30 New York open, a random walk that respects high >= open, close >= low, and 4 dividends.
 */
final class SyntheticChart {

    static final ZoneId NY = ZoneId.of("America/New_York");
    static final int BARS = 252;
    private static final long[] TIMESTAMPS = timestamps();

    private SyntheticChart() {
    }

    static String symbol(int i) {
        return String.format("SYM%04d", i);
    }

    private static long[] timestamps() {
        long[] ts = new long[BARS];
        LocalDate d = LocalDate.of(2025, 1, 2);
        for (int i = 0; i < BARS; d = d.plusDays(1)) {
            if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
                ts[i++] = d.atTime(9, 30).atZone(NY).toEpochSecond();
            }
        }
        return ts;
    }

    static ChartData data(String symbol) {
        SplittableRandom r = new SplittableRandom(symbol.hashCode());
        Double[] o = new Double[BARS];
        Double[] h = new Double[BARS];
        Double[] l = new Double[BARS];
        Double[] c = new Double[BARS];
        Long[] v = new Long[BARS];
        double price = 20 + r.nextDouble() * 300;
        for (int i = 0; i < BARS; i++) {
            double open = price * (1 + (r.nextDouble() - 0.5) * 0.01);
            double close = open * (1 + (r.nextDouble() - 0.5) * 0.04);
            o[i] = (double) (float) open; // Yahoo's float32 prices, widened
            c[i] = (double) (float) close;
            h[i] = (double) (float) (Math.max(open, close) * (1 + r.nextDouble() * 0.01));
            l[i] = (double) (float) (Math.min(open, close) * (1 - r.nextDouble() * 0.01));
            h[i] = Math.max(h[i], Math.max(o[i], c[i]));
            l[i] = Math.min(l[i], Math.min(o[i], c[i]));
            v[i] = 100_000L + r.nextLong(50_000_000L);
            price = close;
        }
        List<ChartData.Dividend> dividends = new ArrayList<>();
        for (int q = 0; q < 4; q++) {
            dividends.add(new ChartData.Dividend(TIMESTAMPS[30 + q * 63], Math.round(r.nextDouble() * 100) / 100.0 + 0.01));
        }
        return new ChartData(symbol, "1d", "America/New_York", "EQUITY", "NMS", "USD", symbol + " Inc.", symbol,
                TIMESTAMPS[BARS - 1] + 23400, TIMESTAMPS.clone(), o, h, l, c, v, dividends, List.of(), List.of());
    }

    static byte[] json(String symbol) {
        ChartData d = data(symbol);
        StringBuilder b = new StringBuilder(BARS * 120 + 1024);
        b.append("{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"USD\",\"symbol\":\"").append(symbol)
                .append("\",\"exchangeName\":\"NMS\",\"instrumentType\":\"EQUITY\",\"regularMarketTime\":")
                .append(d.regularMarketTime()).append(",\"exchangeTimezoneName\":\"America/New_York\",\"timezone\":\"EST\","
                        + "\"gmtoffset\":-18000,\"longName\":\"").append(d.longName())
                .append("\",\"dataGranularity\":\"1d\",\"range\":\"\"},\"timestamp\":");
        array(b, d.timestamps());
        b.append(",\"events\":{\"dividends\":{");
        for (int i = 0; i < d.dividends().size(); i++) {
            ChartData.Dividend x = d.dividends().get(i);
            b.append(i == 0 ? "" : ",").append('"').append(x.date()).append("\":{\"amount\":").append(x.amount())
                    .append(",\"date\":").append(x.date()).append('}');
        }
        b.append("}},\"indicators\":{\"quote\":[{\"open\":");
        array(b, d.open());
        b.append(",\"high\":");
        array(b, d.high());
        b.append(",\"low\":");
        array(b, d.low());
        b.append(",\"close\":");
        array(b, d.close());
        b.append(",\"volume\":");
        array(b, d.volume());
        b.append("}],\"adjclose\":[{\"adjclose\":");
        array(b, d.close());
        b.append("}]}}],\"error\":null}}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void array(StringBuilder b, long[] a) {
        b.append('[');
        for (int i = 0; i < a.length; i++) {
            b.append(i == 0 ? "" : ",").append(a[i]);
        }
        b.append(']');
    }

    private static void array(StringBuilder b, Object[] a) {
        b.append('[');
        for (int i = 0; i < a.length; i++) {
            b.append(i == 0 ? "" : ",").append(a[i]);
        }
        b.append(']');
    }
}
