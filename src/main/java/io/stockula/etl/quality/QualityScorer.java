package io.stockula.etl.quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The overall score of a table, between 0 and 1: the product of the shares of rows that are good in each
 * dimension,
 * <pre>
 *   score = C × (1 − A) × (1 − O / rows) × (1 − E / rows) × (1 − D / rows) × F
 * </pre>
 * with C the mean completeness of the table's required fields, A the accuracy violation ratio, O the orphan
 * rows, E the dividend/split rows of symbols without prices, D the duplicate rows (rows beyond the first of a
 * duplicated natural key, including the rows of a non-canonical symbol spelling), and, for price_history only,
 * F = 1 − stale series / series. Each factor is clamped to [0, 1]; a dimension that does not apply to the table
 * is 1, and so is an empty table. The product reads as "the share of rows that are right in every respect" if the
 * defects are independent, and a single bad dimension pulls the score down as far as its own share.
 */
public final class QualityScorer {

    private QualityScorer() {
    }

    public static Map<String, TableScore> score(List<CheckResult> results, Map<String, Long> rowCounts,
                                                QualitySettings settings) {
        Map<String, Acc> acc = new LinkedHashMap<>();
        for (String t : QualityTables.DATA) {
            acc.put(t, new Acc());
        }
        for (CheckResult r : results) {
            if (r.isError() && "*".equals(r.table())) {
                // a whole check could not run: no table is known to be fine
                acc.values().forEach(a -> a.passed = false);
                continue;
            }
            Acc a = acc.computeIfAbsent(r.table(), k -> new Acc());
            a.passed &= r.passed();
            if (r.isError()) {
                continue;
            }
            switch (r.check()) {
                case "field_populated" -> a.completeness.add(r.value());
                case "value_rules" -> {
                    a.accuracy = r.value();
                    a.rows = Math.max(a.rows, ((Number) r.details().get("rows")).longValue());
                }
                case "orphan_rows" -> a.orphans = (long) r.value();
                case "events_without_prices" -> a.unpriced = (long) r.value();
                case "duplicate_trading_days", "symbol_case_variants" -> {
                    a.duplicateKeys += (long) r.value();
                    a.duplicateRows += ((Number) r.details().getOrDefault("extra_rows", 0L)).longValue();
                }
                case "stale_series" -> {
                    a.stale += (long) r.value();
                    a.series += ((Number) r.details().getOrDefault("series", 0)).longValue();
                }
                default -> {
                }
            }
        }
        Map<String, TableScore> out = new LinkedHashMap<>();
        for (Map.Entry<String, Acc> e : acc.entrySet()) {
            String table = e.getKey();
            Acc a = e.getValue();
            long rows = Math.max(a.rows, rowCounts.getOrDefault(table, 0L));
            double completeness = a.completeness.isEmpty() ? 1.0
                    : a.completeness.stream().mapToDouble(Double::doubleValue).average().orElse(1.0);
            double score = 1.0;
            if (rows > 0) {
                score = clamp(completeness)
                        * clamp(1 - a.accuracy)
                        * clamp(1 - (double) a.orphans / rows)
                        * clamp(1 - (double) a.unpriced / rows)
                        * clamp(1 - (double) a.duplicateRows / rows)
                        * (a.series == 0 ? 1.0 : clamp(1 - (double) a.stale / a.series));
            }
            out.put(table, new TableScore(table, rows, completeness, a.accuracy, a.orphans, a.unpriced,
                    a.duplicateKeys, a.duplicateRows, a.stale, a.series, score, settings.scoreMin(table), a.passed));
        }
        return out;
    }

    /** The "overall" rows of quality_results: one score per table. */
    public static List<CheckResult> overallResults(Map<String, TableScore> scores) {
        List<CheckResult> out = new ArrayList<>();
        for (TableScore s : scores.values()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("rows", s.rows());
            d.put("completeness", s.completeness());
            d.put("accuracy_violation_ratio", s.accuracyViolationRatio());
            d.put("orphan_rows", s.orphanRows());
            d.put("events_without_prices", s.eventsWithoutPrices());
            d.put("duplicate_keys", s.duplicateKeys());
            d.put("duplicate_rows", s.duplicateRows());
            d.put("stale_series", s.staleSeries());
            d.put("checks_passed", s.checksPassed());
            out.add(CheckResult.atLeast(s.table(), Dimension.OVERALL, "score", null, s.score(), s.scoreMin(), d));
        }
        return out;
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }

    private static final class Acc {
        final List<Double> completeness = new ArrayList<>();
        double accuracy;
        long rows;
        long orphans;
        long unpriced;
        long duplicateKeys;
        long duplicateRows;
        long stale;
        long series;
        boolean passed = true;
    }
}
