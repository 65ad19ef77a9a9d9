package io.stockula.etl.quality;

import io.stockula.etl.ops.EtlMetrics;
import io.stockula.etl.ops.RunHistory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every quality check once (bean {@code qualityMonitor}: the {@code quality-check} route and the
 * {@code quality} command): the checks read one REPEATABLE READ, read-only snapshot, each behind a savepoint so
 * that one failing check is recorded as an error and the others still run. The results go to
 * {@code quality_results}, the run to {@code etl_run_history} (job {@code quality}), the values to the gauges.
 */
public final class QualityMonitor {

    public static final String JOB = "quality";
    private static final Logger LOG = LoggerFactory.getLogger(QualityMonitor.class);

    private final DataSource dataSource;
    private final EtlMetrics metrics;
    private final QualitySettings settings;
    private final Clock clock;
    private final RunHistory runHistory;
    private final QualityResultStore store;
    private final List<QualityCheck> checks;

    public QualityMonitor(DataSource dataSource, EtlMetrics metrics, QualitySettings settings, Clock clock) {
        this(dataSource, metrics, settings, clock, List.of(new CompletenessCheck(), new AccuracyCheck(),
                new ConsistencyCheck(), new UniquenessCheck(), new FreshnessCheck()));
    }

    public QualityMonitor(DataSource dataSource, EtlMetrics metrics, QualitySettings settings, Clock clock,
                          List<QualityCheck> checks) {
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.runHistory = new RunHistory(dataSource);
        this.store = new QualityResultStore(dataSource);
        this.checks = List.copyOf(checks);
    }

    /** For the scheduled route: runs and returns the one-line summary (logged by the route). */
    public String runScheduled() throws SQLException {
        QualityReport report = run("schedule");
        LOG.info("{}", report.summary());
        return report.summary();
    }

    public QualityReport run() throws SQLException {
        return run("command");
    }

    public QualityReport run(String trigger) throws SQLException {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        long runId = runHistory.start(JOB, Map.of("trigger", trigger));
        try {
            List<CheckResult> results = new ArrayList<>();
            Map<String, Long> timings = new LinkedHashMap<>();
            List<SeriesAge> series;
            Map<String, Long> rows;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
                try {
                    try (Statement st = c.createStatement()) {
                        st.execute("SET LOCAL work_mem = '" + settings.workMem().replace("'", "") + "'");
                        st.execute("SET LOCAL statement_timeout = " + settings.statementTimeout().toMillis());
                    }
                    QualityContext ctx = new QualityContext(c, settings, clock);
                    for (QualityCheck check : checks) {
                        long t = System.nanoTime();
                        results.addAll(runOne(c, ctx, check));
                        timings.put(check.name(), (System.nanoTime() - t) / 1_000_000);
                    }
                    series = List.copyOf(ctx.seriesAges());
                    rows = ctx.knownRowCounts();
                } finally {
                    c.rollback();
                }
            }
            Map<String, TableScore> scores = QualityScorer.score(results, rows, settings);
            results.addAll(QualityScorer.overallResults(scores));
            QualityReport report = new QualityReport(runId, started, List.copyOf(results), scores, series);
            int stored = store.store(runId, started, report.results(), settings.retention());
            long examined = rows.values().stream().mapToLong(Long::longValue).sum();
            boolean errors = results.stream().anyMatch(CheckResult::isError);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("failed_checks", report.failed().size());
            details.put("stale_series", report.staleSeries().size());
            details.put("check_ms", timings);
            Map<String, Double> s = new LinkedHashMap<>();
            scores.values().forEach(t -> s.put(t.table(), t.score()));
            details.put("scores", s);
            runHistory.finish(runId, errors ? "partial" : "succeeded", examined, stored, 0, 0, details,
                    errors ? "a check could not run: see quality_results.details.error" : null);
            QualityMetrics.export(metrics, report);
            metrics.runDuration(JOB, errors ? "partial" : "succeeded", Duration.ofNanos(System.nanoTime() - t0));
            return report;
        } catch (SQLException | RuntimeException e) {
            try {
                runHistory.finish(runId, "failed", 0, 0, 0, 0, Map.of(), e.getMessage());
            } catch (RuntimeException ignored) {
                LOG.warn("could not record the failure of quality run {}: {}", runId, ignored.getMessage());
            }
            metrics.runDuration(JOB, "failed", Duration.ofNanos(System.nanoTime() - t0));
            throw e;
        }
    }

    private static List<CheckResult> runOne(Connection c, QualityContext ctx, QualityCheck check) throws SQLException {
        Savepoint sp = c.setSavepoint();
        long t0 = System.nanoTime();
        try {
            List<CheckResult> r = check.run(ctx);
            c.releaseSavepoint(sp);
            LOG.debug("quality check {}: {} result(s) in {} ms", check.name(), r.size(), (System.nanoTime() - t0) / 1_000_000);
            return r;
        } catch (SQLException | RuntimeException e) {
            c.rollback(sp);
            LOG.warn("quality check {} could not run: {}", check.name(), e.getMessage());
            return List.of(CheckResult.error("*", check.dimension(), check.name(), e));
        }
    }
}
