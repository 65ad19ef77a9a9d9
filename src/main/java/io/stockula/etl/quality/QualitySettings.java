package io.stockula.etl.quality;

import io.stockula.etl.config.EtlSettings;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The thresholds of the quality checks ({@code stockula.quality.*}). A threshold may be overridden per table by
 * appending the table: {@code stockula.quality.completeness.min.stocks = 0.8}.
 */
public final class QualitySettings {

    private final EtlSettings settings;
    private final Map<String, Integer> maxAge;
    private final List<LocalDate> extraClosures;
    private final java.util.Set<String> configuredSymbols;

    private QualitySettings(EtlSettings settings) {
        this.settings = settings;
        this.maxAge = parseMaxAge(settings.get("stockula.quality.freshness.max-age",
                "1d=1,5d=5,1wk=7,1mo=25,3mo=70,*=1"));
        this.extraClosures = parseDates(settings.get("stockula.quality.calendar.extra-closures", ""));
        this.configuredSymbols = io.stockula.etl.source.yahoo.YahooSettings.symbols(settings.get("stockula.yahoo.symbols", ""));
    }

    /** The symbols configured to be pulled ({@code stockula.yahoo.symbols}): checked for freshness whatever their state. */
    public java.util.Set<String> configuredSymbols() {
        return configuredSymbols;
    }

    public static QualitySettings from(EtlSettings settings) {
        return new QualitySettings(settings);
    }

    /** Minimum share of populated values of a required field. */
    public double completenessMin(String table) {
        return perTable("stockula.quality.completeness.min", table, 0.99);
    }

    /** Maximum share of rows breaking the table's value rules. */
    public double accuracyMaxViolationRatio(String table) {
        return perTable("stockula.quality.accuracy.max-violation-ratio", table, 0.001);
    }

    /** Relative slack for high ≥ max(open, close) and low ≤ min(open, close): float noise of adjusted prices. */
    public double accuracyTolerance() {
        return number("stockula.quality.accuracy.tolerance", 1e-9);
    }

    /** Whether the rollups (price_daily, price_weekly, price_monthly) are checked for the price rules too. */
    public boolean accuracyIncludesRollups() {
        return settings.getBoolean("stockula.quality.accuracy.rollups", true);
    }

    public double orphansMax(String table) {
        return perTable("stockula.quality.orphans.max", table, 0);
    }

    public double duplicatesMax(String table) {
        return perTable("stockula.quality.duplicates.max", table, 0);
    }

    public double scoreMin(String table) {
        return perTable("stockula.quality.score.min", table, 0.95);
    }

    /** How many trading days a series of this interval may lag before it is stale. */
    public int freshnessMaxAge(String interval) {
        Integer v = maxAge.get(interval);
        return v != null ? v : maxAge.getOrDefault("*", 1);
    }

    public List<LocalDate> extraClosures() {
        return extraClosures;
    }

    /** How long quality_results rows are kept (older ones are deleted by each run); zero keeps everything. */
    public Duration retention() {
        return settings.getDuration("stockula.quality.retention", Duration.ofDays(90));
    }

    /** work_mem for the run's transaction, so that the duplicate scan sorts in memory. */
    public String workMem() {
        return settings.get("stockula.quality.work-mem", "64MB");
    }

    public Duration statementTimeout() {
        return settings.getDuration("stockula.quality.statement-timeout", Duration.ofMinutes(5));
    }

    private double perTable(String key, String table, double defaultValue) {
        String v = settings.get(key + "." + table);
        return v != null ? Double.parseDouble(v) : number(key, defaultValue);
    }

    private double number(String key, double defaultValue) {
        String v = settings.get(key);
        return v == null ? defaultValue : Double.parseDouble(v);
    }

    static Map<String, Integer> parseMaxAge(String spec) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("stockula.quality.freshness.max-age: expected interval=days, got " + part);
            }
            m.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
        }
        return m;
    }

    static List<LocalDate> parseDates(String spec) {
        List<LocalDate> dates = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (!part.isBlank()) {
                dates.add(LocalDate.parse(part.trim()));
            }
        }
        return List.copyOf(dates);
    }
}
