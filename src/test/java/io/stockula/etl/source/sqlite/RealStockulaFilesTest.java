package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Stockula files in ../shared/stockula (skipped when that folder is absent): the SQLModel/alembic schema
 * and the older raw-SQL one. Both migrate and verify, and every price equals SQLite's double bit for bit.
 */
class RealStockulaFilesTest {

    private static final Path SHARED = Path.of("..", "shared", "stockula");

    @ParameterizedTest
    @ValueSource(strings = {"stockula-2025-08-09.db", "stockula-2025-07-26-rawsql-schema.db"})
    void migratesAndVerifiesExactly(String file) throws Exception {
        Path db = SHARED.resolve(file);
        Assumptions.assumeTrue(Files.isReadable(db), "../shared/stockula not present");
        String url = TestDatabases.freshPostgres();
        assertThat(StockulaEtl.execute("migrate", "--sqlite", db.toString(), "--db", url)).isZero();
        assertThat(StockulaEtl.execute("verify", "--sqlite", db.toString(), "--db", url)).isZero();

        long rows = 0;
        try (Connection s = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             Statement st = s.createStatement();
             ResultSet rs = st.executeQuery("SELECT symbol, date, open_price, close_price, volume FROM price_history"
                     + " ORDER BY rowid LIMIT 50");
             Connection t = DriverManager.getConnection(url)) {
            while (rs.next()) {
                List<List<String>> target = Sql.rows(t, "SELECT open_price::text, close_price::text, volume FROM price_history"
                        + " WHERE symbol = '" + rs.getString(1) + "' AND \"timestamp\" = '" + rs.getString(2)
                        + "'::date::timestamp AT TIME ZONE 'America/New_York'");
                assertThat(target).hasSize(1);
                assertThat(Double.parseDouble(target.get(0).get(0))).isEqualTo(rs.getDouble(3));
                assertThat(Double.parseDouble(target.get(0).get(1))).isEqualTo(rs.getDouble(4));
                assertThat(Long.parseLong(target.get(0).get(2))).isEqualTo(rs.getLong(5));
                rows++;
            }
        }
        assertThat(rows).isEqualTo(50);
    }
}
