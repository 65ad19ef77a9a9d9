package io.stockula.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Schema mode on a server where the timescaledb extension is installed but not preloaded: exactly PostgreSQL on
 * 127.0.0.1:5432 once ../shared/timescaledb/install.sh has put its files into the PostgreSQL 15 that serves it.
 * {@code auto} falls back to plain PostgreSQL (the session survives), {@code timescaledb} fails with exit 2.
 */
class SchemaModeTest {

    private static String listedButNotPreloaded() throws Exception {
        String url = TestDatabases.freshPostgres();
        try (Connection c = DriverManager.getConnection(url)) {
            boolean listed = !Sql.rows(c, "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'").isEmpty();
            boolean preloaded = !Sql.rows(c, "SELECT 1 FROM pg_settings WHERE name = 'timescaledb.disable_load'").isEmpty();
            String why = "PostgreSQL on 5432 does not list timescaledb without preloading it (listed=" + listed
                    + ", preloaded=" + preloaded + "; ../shared/timescaledb/install.sh makes it so)";
            if (!listed || preloaded) {
                System.err.println("[tsdb] SchemaModeTest skipped: " + why);
            }
            Assumptions.assumeTrue(listed && !preloaded, why);
        }
        return url;
    }

    @Test
    void autoUsesPlainPostgresWhenTheExtensionIsListedButNotPreloaded() throws Exception {
        String url = listedButNotPreloaded();
        assertThat(StockulaEtl.execute("schema", "--db", url, "-D", "stockula.schema.mode=auto")).isZero();
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(Sql.rows(c, "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'")).containsExactly(List.of("0"));
            assertThat(Sql.rows(c, "SELECT matviewname FROM pg_matviews ORDER BY 1"))
                    .containsExactly(List.of("price_daily"), List.of("price_monthly"), List.of("price_weekly"));
            assertThat(Sql.rows(c, "SELECT count(*) FROM flyway_schema_history WHERE script LIKE 'V3__postgres%' AND success"))
                    .containsExactly(List.of("1"));
        }
        // and it stays in that mode: a second run applies nothing and still succeeds
        assertThat(StockulaEtl.execute("schema", "--db", url)).isZero();
    }

    @Test
    void forcedTimescaleModeFailsWithExit2AndTheSameSentence() throws Exception {
        String url = listedButNotPreloaded();
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            exit = StockulaEtl.execute("schema", "--db", url, "-D", "stockula.schema.mode=timescaledb");
        } finally {
            System.setErr(saved);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: stockula.schema.mode = timescaledb: "
                + SchemaMigrator.NOT_PRELOADED);
        try (Connection c = DriverManager.getConnection(url)) {
            // nothing was created: no half-applied schema, no extension
            assertThat(Sql.rows(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).containsExactly(List.of("0"));
        }
    }
}
