package io.stockula.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtlSettingsTest {

    @TempDir
    Path dir;

    @Test
    void theFileOverridesTheEnvironmentAndOptionsOverrideTheFile() throws Exception {
        Path file = dir.resolve("etl.properties");
        Files.writeString(file, "stockula.db.pool-size = 9\nstockula.sqlite.batch-size = 100\n");
        EtlSettings s = EtlSettings.load(file, Map.of("stockula.sqlite.batch-size", "300"),
                Map.of("STOCKULA_DB_POOL_SIZE", "12", "STOCKULA_SQLITE_BATCH_SIZE", "200", "STOCKULA_SQLITE_PATH",
                        "/data/s.db", "STOCKULA_DB_CONNECT_TIMEOUT", "3s"));
        assertThat(s.getInt("stockula.db.pool-size", 0)).isEqualTo(9); // file over environment
        assertThat(s.getInt("stockula.sqlite.batch-size", 0)).isEqualTo(300); // option over file and environment
        assertThat(s.get("stockula.db.connect-timeout")).isEqualTo("3s"); // environment over the bundled default
        assertThat(s.get("stockula.sqlite.path")).isEqualTo("/data/s.db");
        assertThat(s.get("stockula.db.url")).isNull(); // empty in the bundled file: the embedded default
        assertThat(s.get("camel.main.name")).isEqualTo("stockula-etl");
    }

    @Test
    void durationsAndRedaction() {
        assertThat(EtlSettings.parseDuration("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(EtlSettings.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(EtlSettings.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(TargetDatabase.redact("jdbc:postgresql://h/db?user=etl&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=etl&password=***&ssl=true");
    }
}
