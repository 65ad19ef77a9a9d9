package io.stockula.etl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlRuntime;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

/**
 * The dlq commands end to end, with a YAML route that writes into a table: while the table is missing every
 * message is dead-lettered; once it exists they replay, except the one its CHECK rejects, which fails again.
 */
class DlqCommandTest {

    static final String FLAKY = """
            - route:
                id: flaky-sink
                routeConfigurationId: etl-errors
                from:
                  uri: direct:flaky-sink
                  steps:
                    - to:
                        uri: "sql:INSERT INTO flaky_sink (body) VALUES (:#${body})"
                        parameters:
                          dataSource: "#targetDb"
            """;

    static List<String> column(String url, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static void exec(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void listReplayPurge() throws Exception {
        String url = TestDatabases.freshPostgres();
        Path routes = Files.createTempDirectory("routes");
        for (String f : List.of("dead-letters.yaml", "error-handling.yaml")) {
            Files.copy(Path.of("routes", f), routes.resolve(f));
        }
        Files.writeString(routes.resolve("flaky.yaml"), FLAKY);
        Map<String, String> settings = Map.of("stockula.db.url", url, "stockula.routes.dir", routes.toString(),
                "stockula.redelivery.maximum-redeliveries", "0");
        try (Bootstrap boot = Bootstrap.open(EtlSettings.load(null, settings));
             EtlRuntime rt = new EtlRuntime(boot, List.of(), false, Map.of())) {
            CamelContext ctx = rt.start();
            ProducerTemplate t = ctx.createProducerTemplate();
            t.sendBodyAndHeader("direct:flaky-sink", "m1", "Batch", "b-1");
            t.sendBodyAndHeader("direct:flaky-sink", "poison", "Batch", "b-1");
        }
        String[] common = {"--db", url, "-D", "stockula.routes.dir=" + routes, "-D", "stockula.redelivery.maximum-redeliveries=0"};

        CliHarness.Result list = CliHarness.run(args("dlq", "list", common));
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("flaky-sink").contains("bad SQL grammar").contains("2 dead letter(s)");
        assertThat(CliHarness.run(args("dlq", "list", common, "--route", "other")).out()).contains("0 dead letter(s)");
        assertThat(CliHarness.run(args("dlq", "list", common, "--since", "2099-01-01")).out()).contains("0 dead letter(s)");
        assertThat(CliHarness.run(args("dlq", "list", common, "--limit", "1")).out()).contains("1 dead letter(s) (limit reached");

        // the sink is fixed; it rejects "poison"
        exec(url, "CREATE TABLE flaky_sink (body TEXT CHECK (body <> 'poison'))");
        List<String> ids = column(url, "SELECT id FROM etl_dead_letters ORDER BY id");
        CliHarness.Result replay = CliHarness.run(args("dlq", "replay", common, "--all"));
        assertThat(replay.exit()).as(replay.out() + replay.err()).isEqualTo(ExitCodes.INCOMPLETE);
        assertThat(replay.out()).contains("#" + ids.get(0) + ": replayed").contains("#" + ids.get(1) + ": failed again")
                .contains("1 replayed, 1 not");
        assertThat(column(url, "SELECT body FROM flaky_sink")).containsExactly("m1");
        assertThat(column(url, "SELECT body || ' ' || status || ' ' || replay_count || ' ' || coalesce(headers->>'StockulaReplayOf', '-')"
                + " FROM etl_dead_letters ORDER BY id")).containsExactly(
                "m1 replayed 1 -", "poison replay_failed 1 -", "poison new 0 " + ids.get(1));

        // the failed one is still listed (as its new row); the replayed one no longer is
        CliHarness.Result after = CliHarness.run(args("dlq", "list", common));
        assertThat(after.out()).contains("1 dead letter(s)").contains("violates check constraint").doesNotContain("replayed");
        assertThat(after.out().lines().skip(1).findFirst().orElseThrow())
                .startsWith(column(url, "SELECT max(id) FROM etl_dead_letters").get(0) + " ");
        CliHarness.Result json = CliHarness.run(args("dlq", "list", common, "--status", "all", "--json"));
        assertThat(json.out().lines()).hasSize(3).allMatch(l -> l.startsWith("{\"id\":"));
        assertThat(json.out()).contains("\"Batch\":\"b-1\"");

        // explicit ids: an already replayed row is skipped, an unknown id reported
        CliHarness.Result again = CliHarness.run(args("dlq", "replay", common, ids.get(0), "999999"));
        assertThat(again.exit()).isEqualTo(ExitCodes.INCOMPLETE);
        assertThat(again.out()).contains("#999999: no such dead letter").contains("#" + ids.get(0) + ": skipped");
        assertThat(CliHarness.run(args("dlq", "replay", common)).exit()).isEqualTo(ExitCodes.USAGE);

        // purge: only what is older than the cut
        exec(url, "UPDATE etl_dead_letters SET failed_at = now() - interval '40 days' WHERE id = " + ids.get(0));
        CliHarness.Result purge = CliHarness.run(args("dlq", "purge", common, "--before", "30d"));
        assertThat(purge.exit()).isZero();
        assertThat(purge.out()).contains("purged 1 dead letter(s)");
        assertThat(column(url, "SELECT count(*) FROM etl_dead_letters")).containsExactly("2");
        assertThat(CliHarness.run(args("dlq", "purge", common, "--before", "soon")).exit()).isEqualTo(ExitCodes.USAGE);
    }

    static String[] args(String a, String b, String[] common, String... more) {
        List<String> l = new ArrayList<>(List.of(a, b));
        l.addAll(List.of(common));
        l.addAll(List.of(more));
        return l.toArray(String[]::new);
    }
}
