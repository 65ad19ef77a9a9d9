package io.stockula.etl.source.yahoo;

import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.validate.SymbolRules;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code stockula.yahoo.*} keys, read once. Defaults follow the research notes: one client per JVM at no more
 * than 1 request/s and 2 in flight, a browser-like user agent (Yahoo refuses obvious bots), and a throttle pause
 * that starts at a minute and doubles up to half an hour.
 */
public record YahooSettings(
        String query1Url,
        String query2Url,
        String fcUrl,
        String userAgent,
        double requestsPerSecond,
        int concurrency,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration initialPause,
        Duration maxPause,
        Duration giveUpAfter,
        double jitter,
        Duration crumbMinRefresh,
        Set<String> symbols,
        List<String> intervals,
        Duration overlap,
        int intradayOverlapBars,
        String quoteSummaryModules,
        int optionExpirations,
        long maxBodyBytes,
        Duration requestDeadline) {

    public static final String DEFAULT_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
            + " (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    public static YahooSettings from(EtlSettings s) {
        return new YahooSettings(
                trimSlash(s.get("stockula.yahoo.query1-url", "https://query1.finance.yahoo.com")),
                trimSlash(s.get("stockula.yahoo.query2-url", "https://query2.finance.yahoo.com")),
                trimSlash(s.get("stockula.yahoo.fc-url", "https://fc.yahoo.com")),
                s.get("stockula.yahoo.user-agent", DEFAULT_USER_AGENT),
                Double.parseDouble(s.get("stockula.yahoo.requests-per-second", "1")),
                s.getInt("stockula.yahoo.concurrency", 2),
                s.getDuration("stockula.yahoo.connect-timeout", Duration.ofSeconds(10)),
                s.getDuration("stockula.yahoo.response-timeout", Duration.ofSeconds(30)),
                s.getDuration("stockula.yahoo.throttle.initial-pause", Duration.ofMinutes(1)),
                s.getDuration("stockula.yahoo.throttle.max-pause", Duration.ofMinutes(30)),
                s.getDuration("stockula.yahoo.throttle.give-up-after", Duration.ofHours(2)),
                Double.parseDouble(s.get("stockula.yahoo.throttle.jitter", "0.25")),
                s.getDuration("stockula.yahoo.crumb.min-refresh-interval", Duration.ofSeconds(60)),
                symbols(s.get("stockula.yahoo.symbols", "")),
                intervals(s.get("stockula.yahoo.prices.intervals", "1d")),
                s.getDuration("stockula.yahoo.prices.overlap", Duration.ofDays(7)),
                s.getInt("stockula.yahoo.prices.intraday-overlap-bars", 3),
                s.get("stockula.yahoo.quote-summary.modules",
                        "assetProfile,price,summaryDetail,quoteType,defaultKeyStatistics,financialData"),
                s.getInt("stockula.yahoo.options.expirations", 3),
                s.getLong("stockula.yahoo.max-body-bytes", 32L << 20),
                s.getDuration("stockula.yahoo.request-deadline", Duration.ofMinutes(2)));
    }

    /** Comma or whitespace separated, normalized; invalid shapes are refused here rather than 404'd later. */
    public static Set<String> symbols(String list) {
        Set<String> out = new LinkedHashSet<>();
        for (String raw : list.split("[,\\s]+")) {
            String s = SymbolRules.normalize(raw);
            if (s == null) {
                continue;
            }
            if (!SymbolRules.isValid(s)) {
                throw new IllegalArgumentException("not a Yahoo symbol: " + raw);
            }
            out.add(s);
        }
        return out;
    }

    public static List<String> intervals(String list) {
        List<String> out = Arrays.stream(list.split("[,\\s]+")).map(String::trim).filter(x -> !x.isEmpty())
                .distinct().toList();
        for (String i : out) {
            if (!Intervals.isSupported(i)) {
                throw new IllegalArgumentException("unsupported Yahoo interval " + i + " (supported: "
                        + String.join(", ", Intervals.SUPPORTED) + ")");
            }
        }
        return out;
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
