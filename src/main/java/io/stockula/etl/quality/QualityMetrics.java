package io.stockula.etl.quality;

import io.stockula.etl.ops.EtlMetrics;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exports a report as gauges (Prometheus names after export):
 * <ul>
 *   <li>{@code stockula_quality_score{table}}</li>
 *   <li>{@code stockula_quality_completeness_ratio{table,field}}</li>
 *   <li>{@code stockula_quality_accuracy_violation_ratio{table}}</li>
 *   <li>{@code stockula_quality_orphan_rows{table}} (rows without a stocks row)</li>
 *   <li>{@code stockula_quality_duplicate_keys{table}}</li>
 *   <li>{@code stockula_quality_stale_symbols{interval}}</li>
 *   <li>{@code stockula_quality_freshness_trading_days{symbol,interval}}</li>
 *   <li>{@code stockula_latest_bar_timestamp_seconds{symbol,interval}} (epoch seconds of the newest bar)</li>
 *   <li>{@code stockula_quality_failed_checks}, {@code stockula_quality_last_run_timestamp_seconds}</li>
 * </ul>
 */
public final class QualityMetrics {

    private QualityMetrics() {
    }

    public static void export(EtlMetrics metrics, QualityReport report) {
        for (TableScore t : report.tables().values()) {
            metrics.gauge("stockula.quality.score", "Overall data quality score of a table (0..1)", t.score(),
                    "table", t.table());
        }
        for (CheckResult r : report.results()) {
            if (r.isError()) {
                continue;
            }
            switch (r.check()) {
                case "field_populated" -> metrics.gauge("stockula.quality.completeness.ratio",
                        "Share of rows with the required field populated", r.value(), "table", r.table(), "field", r.subject());
                case "value_rules" -> metrics.gauge("stockula.quality.accuracy.violation.ratio",
                        "Share of rows breaking the value rules (price rules for bars)", r.value(), "table", r.table());
                case "orphan_rows" -> metrics.gauge("stockula.quality.orphan.rows",
                        "Rows whose symbol has no stocks row", r.value(), "table", r.table());
                default -> {
                }
            }
        }
        Map<String, Double> duplicates = new TreeMap<>();
        report.results().stream().filter(r -> !r.isError() && (r.check().equals("duplicate_trading_days")
                || r.check().equals("symbol_case_variants")))
                .forEach(r -> duplicates.merge(r.table(), r.value(), Double::sum));
        duplicates.forEach((table, n) -> metrics.gauge("stockula.quality.duplicate.keys",
                "Natural keys present more than once (same trading day twice, symbol case variants)", n, "table", table));
        Map<String, Integer> stale = new TreeMap<>();
        for (SeriesAge s : report.series()) {
            stale.merge(s.interval(), s.stale() ? 1 : 0, Integer::sum);
            metrics.gauge("stockula.quality.freshness.trading.days",
                    "Age of the newest bar of a series, in trading days", s.ageTradingDays(),
                    "symbol", s.symbol(), "interval", s.interval());
            metrics.gauge("stockula.latest.bar.timestamp.seconds", "Epoch seconds of the newest bar of a series",
                    s.latest().getEpochSecond(), "symbol", s.symbol(), "interval", s.interval());
        }
        stale.forEach((interval, n) -> metrics.gauge("stockula.quality.stale.symbols",
                "Series more than the allowed trading days behind", n, "interval", interval));
        metrics.gauge("stockula.quality.failed.checks", "Quality checks that failed their threshold in the last run",
                report.failed().size());
        metrics.gauge("stockula.quality.last.run.timestamp.seconds", "Epoch seconds of the last quality run",
                report.checkedAt().getEpochSecond());
    }
}
