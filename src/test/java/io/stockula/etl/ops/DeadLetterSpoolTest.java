package io.stockula.etl.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.testsupport.RestartablePostgres;
import io.stockula.etl.testsupport.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dead letter while the database is away (its server stopped): kept in the local spool file, not lost and not
 * only logged; stored, with what it said, once the server is back and the spool is drained.
 */
class DeadLetterSpoolTest {

    @TempDir
    Path dir;

    @Test
    void aDeadLetterTheDatabaseCannotTakeWaitsInTheSpoolAndIsStoredWhenItReturns() throws Exception {
        try (RestartablePostgres pg = RestartablePostgres.start(dir.resolve("pg"));
             Bootstrap boot = Bootstrap.open(EtlSettings.load(null, Map.of("stockula.db.url", pg.jdbcUrl(),
                     "stockula.db.connect-timeout", "1s")))) {
            DeadLetterSpool spool = new DeadLetterSpool(dir.resolve("spool"), boot.database().url());
            DeadLetterStore store = new DeadLetterStore(boot.database().dataSource(), boot.metrics(), spool);
            pg.stop();
            Exchange ex = new DefaultExchange(new DefaultCamelContext());
            ex.getIn().setBody("{\"symbol\":\"AAPL\",\"bars\":887}");
            ex.getIn().setHeader("YahooRequest", "chart AAPL 1d");
            ex.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("Yahoo said 500"));
            ex.setProperty(Exchange.FAILURE_ROUTE_ID, "yahoo-chart");

            assertThat(store.store(ex)).isEqualTo(-1);
            assertThat(ex.getIn().getHeader("StockulaDeadLetterSpooled")).isEqualTo(true);
            assertThat(store.spooled()).isEqualTo(1);
            assertThat(Files.readString(spool.file())).contains("Yahoo said 500").contains("AAPL");
            assertThat(store.drainSpool()).as("still away: nothing drained, nothing lost").isZero();
            assertThat(store.spooled()).isEqualTo(1);

            long t0 = System.nanoTime();
            pg.start();
            int stored = 0;
            for (int i = 0; i < 200 && stored == 0; i++) {
                stored = store.drainSpool();
                if (stored == 0) {
                    Thread.sleep(100);
                }
            }
            System.out.println("[measured] spooled dead letter stored " + (System.nanoTime() - t0) / 1_000_000
                    + " ms after the server was started again");
            assertThat(stored).isEqualTo(1);
            assertThat(store.spooled()).isZero();
            assertThat(Files.exists(spool.file())).isFalse();
            try (Connection c = boot.database().connection()) {
                List<List<String>> rows = Sql.rows(c, "SELECT route_id, exception_class, exception_message, body,"
                        + " headers->>'YahooRequest', category FROM etl_dead_letters");
                assertThat(rows).containsExactly(List.of("yahoo-chart", "java.lang.IllegalStateException", "Yahoo said 500",
                        "{\"symbol\":\"AAPL\",\"bars\":887}", "chart AAPL 1d", "system"));
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }
    }
}
