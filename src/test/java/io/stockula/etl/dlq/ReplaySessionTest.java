package io.stockula.etl.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.testsupport.TestDatabases;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A route from direct:flaky that fails while {@code failuresLeft} lasts (each attempt, redeliveries included,
 * uses one), then writes its body into flaky_sink. The shared etl-errors configuration dead-letters it.
 */
class ReplaySessionTest {

    static final AtomicInteger failuresLeft = new AtomicInteger();
    static Bootstrap boot;
    static ReplaySession session;

    static final class FlakyRoute extends RouteBuilder {
        private final DataSource ds;

        FlakyRoute(DataSource ds) {
            this.ds = ds;
        }

        @Override
        public void configure() {
            from("direct:flaky").routeId("flaky").routeConfigurationId("etl-errors")
                    .process(e -> {
                        if (failuresLeft.getAndDecrement() > 0) {
                            throw new IOException("sink unreachable");
                        }
                        try (Connection c = ds.getConnection();
                             PreparedStatement ps = c.prepareStatement("INSERT INTO flaky_sink (body, source) VALUES (?, ?)")) {
                            ps.setString(1, e.getIn().getBody(String.class));
                            ps.setString(2, e.getIn().getHeader("Source", String.class));
                            ps.executeUpdate();
                        }
                    });
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> s = new HashMap<>(ReplaySession.settingsOverrides());
        s.put("stockula.db.url", TestDatabases.freshPostgres());
        s.put("stockula.redelivery.maximum-redeliveries", "1");
        s.put("stockula.redelivery.delay", "10");
        s.put("stockula.redelivery.maximum-delay", "20");
        // only the foundation's routes plus the test route: other features' routes are not this test's business
        s.put("stockula.routes.dir", foundationRoutes().toString());
        boot = Bootstrap.open(EtlSettings.load(null, s));
        exec("CREATE TABLE flaky_sink (body TEXT, source TEXT)");
        RouteBuilder bare = new RouteBuilder() {
            @Override
            public void configure() {
                // no routeConfigurationId: Camel's default error handler, nothing is dead-lettered
                from("direct:bare").routeId("bare").throwException(new IllegalStateException("still broken"));
            }
        };
        session = new ReplaySession(boot, Map.of("flakyRoute", new FlakyRoute(boot.database().dataSource()),
                "bareRoute", bare));
    }

    /** A routes directory holding only the foundation's dead-letter route and error handling. */
    static java.nio.file.Path foundationRoutes() throws IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("routes");
        for (String f : List.of("dead-letters.yaml", "error-handling.yaml")) {
            java.nio.file.Files.copy(java.nio.file.Path.of("routes", f), dir.resolve(f));
        }
        return dir;
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.close();
        }
        boot.close();
    }

    static void exec(String... sql) throws Exception {
        try (Connection c = boot.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String x : sql) {
                st.execute(x);
            }
        }
    }

    static List<String> column(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = boot.database().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void listReplayFailAgainAndPurge() throws Exception {
        DeadLetterQueue q = session.queue();
        ProducerTemplate template = session.context().createProducerTemplate();
        assertThat(session.context().getRouteController().getRouteStatus("flaky").isStarted()).isTrue();
        assertThat(session.context().getRouteController().getRouteStatus("dead-letter").isStarted()).isTrue();

        // two messages fail (1 attempt + 1 redelivery each), the third goes through
        failuresLeft.set(4);
        template.sendBodyAndHeader("direct:flaky", "m1", "Source", "test");
        template.sendBodyAndHeader("direct:flaky", "m2", "Source", "test");
        template.sendBodyAndHeader("direct:flaky", "m3", "Source", "test");
        assertThat(column("SELECT body FROM flaky_sink ORDER BY body")).containsExactly("m3");

        // listed: newest first, with what a replay needs
        List<DeadLetter> listed = q.list(DeadLetter.NEW, null, null, 0);
        assertThat(listed).extracting(DeadLetter::body).containsExactly("m2", "m1");
        DeadLetter m1 = listed.get(1);
        assertThat(m1.routeId()).isEqualTo("flaky");
        assertThat(m1.replayUri()).isEqualTo("direct://flaky");
        assertThat(m1.category()).isEqualTo("transient");
        assertThat(m1.attempts()).isEqualTo(2);
        assertThat(m1.exceptionMessage()).isEqualTo("sink unreachable");
        assertThat(m1.headersJson()).contains("\"Source\": \"test\"");
        assertThat(q.list(DeadLetter.NEW, "other-route", null, 0)).isEmpty();
        assertThat(q.list(null, "flaky", TimeArg.parse("1h", Clock.systemUTC()), 1)).hasSize(1);

        // a replay that works: the message reaches the sink, the row leaves "new"
        ReplaySession.Outcome ok = session.replay(m1, false);
        assertThat(ok.result()).isEqualTo(ReplaySession.Result.REPLAYED);
        assertThat(column("SELECT body || '/' || source FROM flaky_sink ORDER BY body")).containsExactly("m1/test", "m3/test");
        assertThat(column("SELECT status || ' ' || replay_count || ' ' || (replayed_at IS NOT NULL) FROM etl_dead_letters WHERE id = " + m1.id()))
                .containsExactly("replayed 1 true");
        assertThat(q.list(DeadLetter.NEW, null, null, 0)).extracting(DeadLetter::body).containsExactly("m2");

        // a replay that fails again: stored again as a new dead letter, the original marked replay_failed
        failuresLeft.set(2);
        DeadLetter m2 = q.list(DeadLetter.NEW, null, null, 0).get(0);
        ReplaySession.Outcome again = session.replay(m2, false);
        assertThat(again.result()).isEqualTo(ReplaySession.Result.FAILED_AGAIN);
        assertThat(again.newDeadLetterId()).isNotNull().isGreaterThan(m2.id());
        assertThat(column("SELECT status || ' ' || replay_count FROM etl_dead_letters WHERE id = " + m2.id()))
                .containsExactly("replay_failed 1");
        List<DeadLetter> pending = q.pending(null);
        assertThat(pending).hasSize(1);
        DeadLetter m2again = pending.get(0);
        assertThat(m2again.id()).isEqualTo(again.newDeadLetterId());
        assertThat(m2again.body()).isEqualTo("m2");
        assertThat(m2again.replayUri()).isEqualTo("direct://flaky");
        assertThat(m2again.headersJson()).contains("\"Source\": \"test\"").contains("\"StockulaReplayOf\": " + m2.id());
        assertThat(column("SELECT count(*) FROM etl_dead_letters WHERE body = 'm2'")).containsExactly("2");
        assertThat(column("SELECT body FROM flaky_sink WHERE body = 'm2'")).isEmpty();

        // the replayed-failed original is not replayed twice by mistake
        DeadLetter original = q.find(List.of(m2.id())).get(0);
        assertThat(session.replay(original, false).result()).isEqualTo(ReplaySession.Result.SKIPPED);
        assertThat(column("SELECT replay_count FROM etl_dead_letters WHERE id = " + m2.id())).containsExactly("1");

        // the sink recovers: the new row replays
        assertThat(session.replay(m2again, false).result()).isEqualTo(ReplaySession.Result.REPLAYED);
        assertThat(column("SELECT body FROM flaky_sink ORDER BY body")).containsExactly("m1", "m2", "m3");
        assertThat(q.pending(null)).isEmpty();

        // a dead letter without a replay_uri (from a timer or quartz route) is left alone
        exec("INSERT INTO etl_dead_letters (route_id, category, attempts, body) VALUES ('database-probe', 'system', 4, 'x')");
        DeadLetter timer = q.pending(null).get(0);
        assertThat(session.replay(timer, false).result()).isEqualTo(ReplaySession.Result.SKIPPED);
        assertThat(column("SELECT status FROM etl_dead_letters WHERE id = " + timer.id())).containsExactly("new");

        // purge: only rows older than the cut
        exec("UPDATE etl_dead_letters SET failed_at = now() - interval '40 days' WHERE id = " + m1.id(),
                "UPDATE etl_dead_letters SET failed_at = now() - interval '10 days' WHERE id = " + m2.id());
        assertThat(q.purge(TimeArg.parse("30d", Clock.systemUTC()), null)).isEqualTo(1);
        assertThat(column("SELECT id FROM etl_dead_letters ORDER BY id")).containsExactly(
                String.valueOf(m2.id()), String.valueOf(m2again.id()), String.valueOf(timer.id()));
        assertThat(q.purge(TimeArg.parse("5d", Clock.systemUTC()), DeadLetter.NEW)).isZero();
        assertThat(q.purge(TimeArg.parse("5d", Clock.systemUTC()), DeadLetter.REPLAY_FAILED)).isEqualTo(1);
    }

    @Test
    void aFailureNothingStoresAgainKeepsTheRowNew() throws Exception {
        exec("INSERT INTO etl_dead_letters (route_id, replay_uri, category, attempts, body) VALUES ('bare', 'direct:bare', 'system', 1, 'b1')");
        DeadLetter row = session.queue().pending("bare").get(0);
        ReplaySession.Outcome o = session.replay(row, false);
        assertThat(o.result()).isEqualTo(ReplaySession.Result.FAILED_AGAIN);
        assertThat(o.newDeadLetterId()).isNull();
        assertThat(o.message()).contains("still broken").contains("stays new");
        assertThat(column("SELECT status || ' ' || replay_count FROM etl_dead_letters WHERE id = " + row.id()))
                .containsExactly("new 1");
        assertThat(column("SELECT count(*) FROM etl_dead_letters WHERE route_id = 'bare'")).containsExactly("1");
        exec("DELETE FROM etl_dead_letters WHERE route_id = 'bare'");
    }

    @Test
    void scheduledRoutesDoNotStartDuringAReplay() {
        assertThat(session.context().getRoutes()).allSatisfy(r -> {
            String uri = r.getEndpoint().getEndpointUri();
            boolean takesMessages = uri.startsWith("direct:") || uri.startsWith("seda:");
            assertThat(session.context().getRouteController().getRouteStatus(r.getRouteId()).isStarted())
                    .as(r.getRouteId()).isEqualTo(takesMessages);
        });
    }
}
