package io.stockula.etl.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableSpecTest {

    @Test
    void upsertRewritesOnlyChangedRowsAndNeverTheKeyOrCreationTime() {
        String sql = TableSpecs.DIVIDENDS.upsertSql();
        assertThat(sql).contains("ON CONFLICT (\"symbol\", \"date\") DO UPDATE SET \"amount\" = EXCLUDED.\"amount\","
                + " \"updated_at\" = EXCLUDED.\"updated_at\"");
        assertThat(sql).contains("WHERE (t.\"amount\") IS DISTINCT FROM (EXCLUDED.\"amount\")");
        assertThat(sql).doesNotContain("\"created_at\" = EXCLUDED");
        assertThat(sql).contains("coalesce(\"created_at\", now())");
    }

    @Test
    void everyTargetTableHasASpecAndKeysAreColumns() {
        assertThat(TableSpecs.ALL).hasSize(11);
        for (TableSpec spec : TableSpecs.ALL.values()) {
            for (String k : spec.key()) {
                assertThat(spec.has(k)).as(spec + "." + k).isTrue();
            }
        }
        assertThat(TableSpecs.PRICE_HISTORY.createsStocks()).isTrue();
        assertThat(TableSpecs.STOCKS.createsStocks()).isFalse();
    }

    @Test
    void keyHashesSeparateKeysThatDifferOnlyInCase() {
        TableSpec spec = TableSpecs.DIVIDENDS;
        Row a = new Row(spec.columns().size(), "1", null);
        Row b = new Row(spec.columns().size(), "2", null);
        a.set(spec.index("symbol"), "AAPL");
        b.set(spec.index("symbol"), "aapl");
        a.set(spec.index("date"), java.time.LocalDate.of(2024, 1, 2));
        b.set(spec.index("date"), java.time.LocalDate.of(2024, 1, 2));
        Row c = new Row(spec.columns().size(), "3", null);
        c.set(spec.index("symbol"), "AAPL");
        c.set(spec.index("date"), java.time.LocalDate.of(2024, 1, 2));
        assertThat(a.keyHash(spec)).isNotEqualTo(b.keyHash(spec));
        assertThat(a.keyHash(spec)).isEqualTo(c.keyHash(spec));
    }
}
