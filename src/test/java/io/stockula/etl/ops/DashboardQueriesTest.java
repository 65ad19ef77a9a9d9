package io.stockula.etl.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every query of the Grafana dashboards and of the Prometheus alert rules in {@code docker/} names only metrics
 * that the runtime exports, so that no panel or alert silently watches nothing. The metric names are pulled out
 * of each PromQL expression with a small tokenizer: label matchers, ranges, strings, Grafana variables and the
 * {@code by (...)}/{@code on (...)} lists are removed, and identifiers followed by {@code (} (functions and
 * aggregations) or that are keywords ({@code and}, {@code offset}, ...) are skipped.
 * {@code docker/check.sh} runs the same check against a scrape of a running runtime.
 */
class DashboardQueriesTest {

    // TODO: replace with io.stockula.etl.ops.ExportedMetrics.names() once that class exists, and delete this list.
    private static final Set<String> EXPORTED = Set.of(
            "stockula_records_total",
            "stockula_validation_failures_total",
            "stockula_errors_total",
            "stockula_dead_letters_total",
            "stockula_dead_letter_write_failures_total",
            "stockula_http_requests_total",
            "stockula_http_throttled_total",
            "stockula_yahoo_symbols_deactivated_total",
            "stockula_pipeline_run_seconds_count",
            "stockula_pipeline_run_seconds_sum",
            "stockula_pipeline_run_seconds_max",
            "stockula_batch_write_seconds_count",
            "stockula_batch_write_seconds_sum",
            "stockula_batch_write_seconds_max",
            "stockula_database_up",
            "stockula_timescaledb_job_failures",
            "stockula_timescaledb_job_successes",
            "stockula_timescaledb_job_last_success_seconds",
            "stockula_timescaledb_job_failing",
            "stockula_timescaledb_job_portal_false_failure",
            "stockula_latest_bar_timestamp_seconds",
            "stockula_pipeline_last_success_timestamp_seconds",
            "stockula_quality_score",
            "stockula_quality_completeness_ratio",
            "stockula_quality_accuracy_violation_ratio",
            "stockula_quality_orphan_rows",
            "stockula_quality_duplicate_keys",
            "stockula_quality_stale_symbols",
            "stockula_quality_freshness_trading_days",
            "hikaricp_connections_active",
            "hikaricp_connections_idle",
            "hikaricp_connections_pending",
            "hikaricp_connections_max",
            "hikaricp_connections_min",
            "hikaricp_connections_acquire_seconds_count",
            "hikaricp_connections_acquire_seconds_sum",
            "hikaricp_connections_acquire_seconds_max",
            "hikaricp_connections_usage_seconds_count",
            "hikaricp_connections_usage_seconds_sum",
            "hikaricp_connections_usage_seconds_max",
            "camel_exchanges_total",
            "camel_exchanges_succeeded_total",
            "camel_exchanges_failed_total",
            "camel_exchanges_failures_handled_total",
            "camel_exchanges_external_redeliveries_total",
            "camel_exchanges_inflight",
            "camel_route_policy_seconds_count",
            "camel_route_policy_seconds_sum",
            "camel_route_policy_seconds_max",
            "camel_routes_running_routes",
            "jvm_memory_used_bytes",
            "jvm_memory_max_bytes",
            "jvm_gc_pause_seconds_count",
            "jvm_gc_pause_seconds_sum",
            "jvm_gc_pause_seconds_max",
            "jvm_threads_live_threads",
            "process_cpu_usage",
            "system_cpu_usage",
            "process_uptime_seconds",
            // issue 11, several runtimes: the work topic's group (KafkaGroupHealth), clustered Quartz (QuartzCluster)
            "stockula_kafka_consumer_lag",
            "stockula_kafka_partitions_owned",
            "stockula_kafka_up",
            "stockula_cluster_scheduler_instances");

    /** Series that Prometheus adds to every scrape target itself; the runtime never exports them. */
    private static final Set<String> ADDED_BY_PROMETHEUS = Set.of("up");

    private static final List<String> DASHBOARDS = List.of("pipeline-overview.json", "data-quality.json", "performance.json");

    /** The alerts issues 5 and 11 and the operators asked for, by name. */
    private static final List<String> REQUIRED_ALERTS = List.of("StockulaRuntimeDown", "StockulaDatabaseDown",
            "StockulaHighErrorRate", "StockulaDeadLettersGrowing", "StockulaIngestionStalled", "StockulaNoFreshBars",
            "StockulaStaleSymbols", "StockulaYahooThrottled", "StockulaQualityScoreLow", "StockulaRouteStopped",
            "StockulaKafkaConsumerLagHigh", "StockulaKafkaNoConsumer", "StockulaClusterNoScheduler");

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "offset", "bool", "inf", "nan", "start", "end");
    private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern GRAFANA_VARIABLES = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern LABEL_LISTS =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*|[0-9][0-9A-Za-z_.]*|\\S");
    private static final Pattern CALL = Pattern.compile("\\s*\\(");

    private static final ObjectMapper JSON = new ObjectMapper();

    // ---------------------------------------------------------------------------------------------------------
    // the extractor

    /** The metric names a PromQL expression reads (not its functions, keywords, label names or label values). */
    static Set<String> metricNames(String expr) {
        String s = STRINGS.matcher(expr).replaceAll("\"\"");
        s = GRAFANA_VARIABLES.matcher(s).replaceAll(" ");
        s = LABEL_MATCHERS.matcher(s).replaceAll(" ");
        s = RANGES.matcher(s).replaceAll(" ");
        s = LABEL_LISTS.matcher(s).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            String token = m.group();
            char first = token.charAt(0);
            if (!(Character.isLetter(first) || first == '_' || first == ':')) {
                continue; // a number, a duration, an operator or punctuation
            }
            if (KEYWORDS.contains(token.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (CALL.matcher(s).region(m.end(), s.length()).lookingAt()) {
                continue; // a function or an aggregation
            }
            names.add(token);
        }
        return names;
    }

    @Test
    void extractorFindsMetricNamesAndNothingElse() {
        assertThat(metricNames("sum by (pipeline, outcome) (rate(stockula_records_total{job=\"stockula-etl\","
                + "outcome=~\"loaded|merged\"}[$__rate_interval]))"))
                .containsExactly("stockula_records_total");
        assertThat(metricNames("time() - (stockula_pipeline_last_success_timestamp_seconds{job=\"x\"} > 0)"))
                .containsExactly("stockula_pipeline_last_success_timestamp_seconds");
        assertThat(metricNames("a_total / on (job, instance) group_left (version) b_info offset 15m"))
                .containsExactly("a_total", "b_info");
        assertThat(metricNames("sum without (instance) (x) > bool 0.5 unless y and z or w"))
                .containsExactly("w", "x", "y", "z");
        assertThat(metricNames("label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")")).containsExactly("up");
        assertThat(metricNames("histogram_quantile(0.9, sum by (le) (rate(x_seconds_bucket[5m])))"))
                .containsExactly("x_seconds_bucket");
        assertThat(metricNames("sum(x) by (routeId) * 60 > 1e-3")).containsExactly("x");
        assertThat(metricNames("count_values(\"v\", y) + max_over_time(z[1h:5m]) - 26 * 3600"))
                .containsExactly("y", "z");
        assertThat(metricNames("topk(25, m{a=\"{not a metric}\"}) + sum  (rate(n[${__range}]))"))
                .containsExactly("m", "n");
        assertThat(metricNames("time() - 5 * 86400")).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // dashboards

    @TestFactory
    Stream<DynamicTest> everyDashboardPanelQueriesExportedMetrics() {
        String datasourceUid = provisionedDatasourceUid();
        return DASHBOARDS.stream().map(file -> dynamicTest(file, () -> {
            Path path = dockerDir().resolve("grafana/dashboards").resolve(file);
            assertThat(path).as("dashboard file").isRegularFile();
            JsonNode dashboard = JSON.readTree(path.toFile());
            assertThat(dashboard.path("uid").asText()).as("%s uid", file).isNotBlank();
            assertThat(dashboard.path("title").asText()).as("%s title", file).isNotBlank();
            assertThat(dashboard.path("schemaVersion").asInt()).as("%s schemaVersion", file).isBetween(36, 45);

            List<JsonNode> panels = new ArrayList<>();
            collectPanels(dashboard.path("panels"), panels);
            List<String> problems = new ArrayList<>();
            Set<Integer> ids = new LinkedHashSet<>();
            int queries = 0;
            for (JsonNode panel : panels) {
                String title = panel.path("title").asText("?");
                if (!ids.add(panel.path("id").asInt(-1))) {
                    problems.add("panel id used twice: " + panel.path("id") + " ('" + title + "')");
                }
                if ("row".equals(panel.path("type").asText())) {
                    continue;
                }
                if (!datasourceUid.equals(panel.path("datasource").path("uid").asText())) {
                    problems.add("'" + title + "': datasource uid is not " + datasourceUid);
                }
                JsonNode targets = panel.path("targets");
                if (!targets.isArray() || targets.isEmpty()) {
                    problems.add("'" + title + "': no targets");
                    continue;
                }
                for (JsonNode target : targets) {
                    String expr = target.path("expr").asText("");
                    String where = "'" + title + "' " + target.path("refId").asText("?");
                    if (expr.isBlank()) {
                        problems.add(where + ": no expr");
                        continue;
                    }
                    queries++;
                    problems.addAll(unknownMetrics(where, expr));
                }
            }
            assertThat(queries).as("%s has queries", file).isPositive();
            assertThat(problems).as("problems in %s", file).isEmpty();
        }));
    }

    private static void collectPanels(JsonNode panels, List<JsonNode> out) {
        for (JsonNode panel : panels) {
            out.add(panel);
            collectPanels(panel.path("panels"), out); // collapsed rows hold their panels
        }
    }

    private static String provisionedDatasourceUid() {
        try {
            String yaml = Files.readString(dockerDir().resolve("grafana/provisioning/datasources/prometheus.yml"));
            Matcher m = Pattern.compile("(?m)^\\s*uid:\\s*['\"]?([\\w-]+)").matcher(yaml);
            assertThat(m.find()).as("uid in the provisioned datasource").isTrue();
            return m.group(1);
        } catch (IOException e) {
            throw new AssertionError("cannot read the provisioned datasource", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // alert rules

    @Test
    void everyAlertQueriesExportedMetrics() throws IOException {
        Map<String, Alert> alerts = alerts();
        assertThat(alerts.keySet()).containsAll(REQUIRED_ALERTS);
        List<String> problems = new ArrayList<>();
        for (Alert alert : alerts.values()) {
            if (alert.expr.isBlank()) {
                problems.add(alert.name + ": no expr");
                continue;
            }
            problems.addAll(unknownMetrics(alert.name, alert.expr));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyAlertHasSummaryDescriptionAndARunbookSection() throws IOException {
        String runbook = Files.readString(dockerDir().resolve("RUNBOOK.md"));
        Set<String> anchors = new TreeSet<>();
        Matcher heading = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*\\s*$").matcher(runbook);
        while (heading.find()) {
            anchors.add(heading.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\w\\- ]", "").replace(' ', '-'));
        }
        List<String> problems = new ArrayList<>();
        for (Alert alert : alerts().values()) {
            for (String key : List.of("summary", "description", "runbook")) {
                if (alert.annotations.getOrDefault(key, "").isBlank()) {
                    problems.add(alert.name + ": no " + key + " annotation");
                }
            }
            String link = alert.annotations.getOrDefault("runbook", "");
            String prefix = "docker/RUNBOOK.md#";
            if (!link.startsWith(prefix) || !anchors.contains(link.substring(prefix.length()))) {
                problems.add(alert.name + ": runbook '" + link + "' is not a section of docker/RUNBOOK.md");
            }
        }
        assertThat(problems).isEmpty();
    }

    record Alert(String name, String expr, Map<String, String> annotations) {
    }

    /**
     * A line parser for the rule file, enough for its layout: {@code - alert: Name} opens a rule, {@code expr:} is
     * either inline or a block scalar ({@code |} or {@code >}) whose lines are indented deeper than the key.
     */
    /** Every metric a dashboard panel or an alert rule queries (without `up`, which Prometheus adds). */
    static Set<String> queriedMetrics() throws IOException {
        Set<String> out = new java.util.TreeSet<>();
        for (String file : DASHBOARDS) {
            List<JsonNode> panels = new ArrayList<>();
            collectPanels(JSON.readTree(dockerDir().resolve("grafana/dashboards").resolve(file).toFile()).path("panels"), panels);
            for (JsonNode panel : panels) {
                for (JsonNode target : panel.path("targets")) {
                    out.addAll(metricNames(target.path("expr").asText("")));
                }
            }
        }
        for (Alert a : alerts().values()) {
            out.addAll(metricNames(a.expr()));
        }
        out.removeAll(ADDED_BY_PROMETHEUS);
        return out;
    }

    static Map<String, Alert> alerts() throws IOException {
        List<String> lines = Files.readAllLines(dockerDir().resolve("prometheus/alerts.yml"));
        Pattern alertLine = Pattern.compile("^\\s*- alert:\\s*(\\S+)");
        Pattern exprLine = Pattern.compile("^(\\s*)expr:\\s*(.*)$");
        Pattern annotationLine = Pattern.compile("^\\s*(summary|description|runbook):\\s*(.*)$");
        Map<String, Alert> alerts = new LinkedHashMap<>();
        String name = null;
        String expr = "";
        Map<String, String> annotations = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m;
            if ((m = alertLine.matcher(line)).find()) {
                if (name != null) {
                    alerts.put(name, new Alert(name, expr, annotations));
                }
                name = m.group(1);
                expr = "";
                annotations = new LinkedHashMap<>();
            } else if (name != null && (m = exprLine.matcher(line)).find()) {
                int indent = m.group(1).length();
                String rest = m.group(2).strip();
                if (rest.matches("[|>][+-]?")) {
                    StringBuilder block = new StringBuilder();
                    while (i + 1 < lines.size() && (lines.get(i + 1).isBlank() || indentOf(lines.get(i + 1)) > indent)) {
                        block.append(lines.get(++i).strip()).append(' ');
                    }
                    expr = block.toString().strip();
                } else {
                    expr = unquote(rest);
                }
            } else if (name != null && (m = annotationLine.matcher(line)).find()) {
                annotations.put(m.group(1), unquote(m.group(2).strip()));
            }
        }
        if (name != null) {
            alerts.put(name, new Alert(name, expr, annotations));
        }
        return alerts;
    }

    private static int indentOf(String line) {
        return line.length() - line.stripLeading().length();
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    // ---------------------------------------------------------------------------------------------------------

    private static List<String> unknownMetrics(String where, String expr) {
        Set<String> names = metricNames(expr);
        List<String> problems = new ArrayList<>();
        if (names.isEmpty()) {
            problems.add(where + ": names no metric: " + expr);
        }
        for (String name : names) {
            if (!EXPORTED.contains(name) && !ADDED_BY_PROMETHEUS.contains(name)) {
                problems.add(where + ": " + name + " is not a metric the runtime exports");
            }
        }
        return problems;
    }

    private static Path dockerDir() {
        // Surefire runs in the module directory and sets basedir; fall back to the working directory
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("docker");
    }
}
