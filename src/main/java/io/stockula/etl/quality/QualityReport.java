package io.stockula.etl.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The outcome of one quality run: every result, the per-table scores and every series' age. */
public record QualityReport(long runId, Instant checkedAt, List<CheckResult> results, Map<String, TableScore> tables,
                            List<SeriesAge> series) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public List<CheckResult> failed() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    public boolean allPassed() {
        return failed().isEmpty();
    }

    public List<SeriesAge> staleSeries() {
        return series.stream().filter(SeriesAge::stale)
                .sorted((a, b) -> Long.compare(b.ageTradingDays(), a.ageTradingDays())).toList();
    }

    /** One line for the log of the scheduled route. */
    public String summary() {
        StringBuilder sb = new StringBuilder("quality run #").append(runId).append(": ");
        tables.values().forEach(t -> sb.append(t.table()).append('=').append(String.format(Locale.ROOT, "%.3f", t.score())).append(' '));
        return sb.append("| ").append(staleSeries().size()).append(" stale series, ")
                .append(failed().size()).append(" failed check(s)").toString();
    }

    /** The report for a person: one line per table, then what failed, then the stale series. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("Data quality, run #").append(runId).append(" at ").append(checkedAt).append("\n\n");
        sb.append(String.format(Locale.ROOT, "%-15s %10s %13s %10s %9s %10s %7s  %s%n", "TABLE", "ROWS",
                "COMPLETENESS", "ACCURACY", "ORPHANS", "DUPLICATES", "SCORE", "STATUS"));
        for (TableScore t : tables.values()) {
            sb.append(String.format(Locale.ROOT, "%-15s %10d %12.2f%% %9.3f%% %9d %10d %7.3f  %s%n", t.table(), t.rows(),
                    100 * t.completeness(), 100 * (1 - t.accuracyViolationRatio()), t.orphanRows() + t.eventsWithoutPrices(),
                    t.duplicateKeys(), t.score(), t.passed() ? "ok" : "FAIL"));
        }
        sb.append("\n(ACCURACY = share of rows keeping the value rules; ORPHANS includes dividends/splits without prices;\n"
                + " SCORE = completeness x accuracy x (1-orphans) x (1-duplicates) x freshness, see QualityScorer)\n");
        List<CheckResult> failed = failed().stream().filter(r -> !r.check().equals("series_age")).toList();
        if (!failed.isEmpty()) {
            sb.append("\nFailed checks:\n");
            for (CheckResult r : failed) {
                sb.append(String.format(Locale.ROOT, "  %-14s %-12s %-23s %-18s %s%n", r.table(), r.dimension().label(),
                        r.check(), r.subject() == null ? "" : r.subject(), describe(r)));
            }
        }
        Map<String, long[]> byInterval = new LinkedHashMap<>();
        series.forEach(s -> byInterval.computeIfAbsent(s.interval(), k -> new long[2])[0]++);
        List<SeriesAge> stale = staleSeries();
        stale.forEach(s -> byInterval.get(s.interval())[1]++);
        sb.append("\nFreshness (age of the newest bar in trading days):\n");
        if (series.isEmpty()) {
            sb.append("  no price series\n");
        }
        byInterval.forEach((interval, n) -> sb.append(String.format(Locale.ROOT, "  %-5s %6d series, %d stale%n",
                interval, n[0], n[1])));
        if (!stale.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%n  %-14s %-8s %6s %6s  %-12s %s%n", "STALE SYMBOL", "INTERVAL", "AGE",
                    "MAX", "LAST BAR", "CALENDAR"));
            for (SeriesAge s : stale) {
                sb.append(String.format(Locale.ROOT, "  %-14s %-8s %6d %6d  %-12s %s%n", s.symbol(), s.interval(),
                        s.ageTradingDays(), s.maxAge(), s.latestDate(), s.calendar()));
            }
        }
        sb.append('\n').append(allPassed() ? "All checks passed." : failed().size() + " check(s) failed.").append('\n');
        return sb.toString();
    }

    private static String describe(CheckResult r) {
        if (r.isError()) {
            return "error: " + r.details().get("error");
        }
        boolean ratio = r.check().equals("field_populated") || r.check().equals("value_rules") || r.check().equals("score");
        String v = ratio ? String.format(Locale.ROOT, "%.4f", r.value()) : String.valueOf((long) r.value());
        String bound = r.threshold() == null ? "" : (r.check().equals("field_populated") || r.check().equals("score")
                ? " (min " : " (max ") + (ratio ? String.format(Locale.ROOT, "%.4f", r.threshold())
                : String.valueOf(r.threshold().longValue())) + ")";
        Object names = r.details().get("symbols");
        if (names == null) {
            names = r.details().get("variants");
        }
        if (names == null) {
            names = r.details().get("examples");
        }
        return v + bound + (names instanceof List<?> l && !l.isEmpty() ? " " + l : "");
    }

    /** The report for a machine. */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("run_id", runId);
        root.put("checked_at", checkedAt.toString());
        root.put("passed", allPassed());
        root.put("failed_checks", failed().size());
        List<Map<String, Object>> tbl = new ArrayList<>();
        for (TableScore t : tables.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", t.table());
            m.put("rows", t.rows());
            m.put("completeness", t.completeness());
            m.put("completeness_fields", fields(t.table()));
            m.put("accuracy_violation_ratio", t.accuracyViolationRatio());
            m.put("orphan_rows", t.orphanRows());
            m.put("events_without_prices", t.eventsWithoutPrices());
            m.put("duplicate_keys", t.duplicateKeys());
            m.put("duplicate_rows", t.duplicateRows());
            m.put("score", t.score());
            m.put("score_min", t.scoreMin());
            m.put("passed", t.passed());
            tbl.add(m);
        }
        root.put("tables", tbl);
        Map<String, Object> fresh = new LinkedHashMap<>();
        series.stream().map(SeriesAge::interval).distinct().sorted().forEach(interval -> {
            List<SeriesAge> of = series.stream().filter(s -> s.interval().equals(interval)).toList();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("series", of.size());
            m.put("max_age_trading_days", of.get(0).maxAge());
            m.put("stale", of.stream().filter(SeriesAge::stale).map(FreshnessCheck::describe).toList());
            fresh.put(interval, m);
        });
        root.put("freshness", fresh);
        List<Map<String, Object>> res = new ArrayList<>();
        for (CheckResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", r.table());
            m.put("dimension", r.dimension().label());
            m.put("check", r.check());
            m.put("subject", r.subject());
            m.put("value", Double.isNaN(r.value()) ? null : r.value());
            m.put("threshold", r.threshold());
            m.put("passed", r.passed());
            m.put("details", r.details());
            res.add(m);
        }
        root.put("results", res);
        try {
            return JSON.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the quality report as JSON: " + e.getMessage(), e);
        }
    }

    private Map<String, Double> fields(String table) {
        Map<String, Double> m = new LinkedHashMap<>();
        results.stream().filter(r -> r.table().equals(table) && r.check().equals("field_populated"))
                .forEach(r -> m.put(r.subject(), r.value()));
        return m;
    }
}
