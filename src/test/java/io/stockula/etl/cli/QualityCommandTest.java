package io.stockula.etl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class QualityCommandTest {

    @Test
    void humanTableJsonAndStrictExit() throws Exception {
        String url = TestDatabases.freshPostgres();
        CliHarness.Result empty = CliHarness.run("quality", "--db", url, "--strict");
        assertThat(empty.exit()).as(empty.err()).isZero();
        assertThat(empty.out()).contains("TABLE").contains("price_history").contains("no price series")
                .contains("All checks passed.");

        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("INSERT INTO price_history (symbol, \"timestamp\", open_price, high_price, low_price, close_price, volume)"
                    + " VALUES ('TSLA', '2024-06-03 04:00+00', 10, 11, 9, 10, 100)");
        }
        CliHarness.Result text = CliHarness.run("quality", "--db", url);
        assertThat(text.exit()).isZero();
        assertThat(text.out()).contains("orphan_rows").contains("[TSLA]").contains("STALE SYMBOL").contains("FAIL");
        assertThat(CliHarness.run("quality", "--db", url, "--strict").exit()).isEqualTo(ExitCodes.INCOMPLETE);

        CliHarness.Result json = CliHarness.run("quality", "--db", url, "--json");
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.get("passed").asBoolean()).isFalse();
        assertThat(root.get("tables").get(0).get("orphan_rows").asLong()).isEqualTo(1);
        assertThat(root.get("freshness").get("1d").get("stale").get(0).get("symbol").asText()).isEqualTo("TSLA");

        assertThat(CliHarness.run("quality", "--db", "jdbc:postgresql://127.0.0.1:1/none").exit()).isEqualTo(ExitCodes.DATABASE);
    }
}
