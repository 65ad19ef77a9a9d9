package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.Await;
import io.stockula.etl.testsupport.ChildCommand;
import io.stockula.etl.testsupport.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka that requires SASL (PLAIN over a SASL_PLAINTEXT listener of the real broker): the runtime and a backfill
 * authenticate with stockula.kafka.username and a password file, the work crosses Kafka and is stored; a wrong
 * password ends the backfill with a clear error. The password shows up in no output, log file, metric or table.
 */
class KafkaSaslTest {

    private static final String SECRET = "Kp" + UUID.randomUUID().toString().replace("-", "");
    private static final int SYMBOLS = 12;

    @TempDir
    Path dir;

    @Test
    void theWorkCrossesAKafkaThatRequiresSaslAndThePasswordIsNeverShown() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("kafka.password"), SECRET + "\n");
        Path wrongFile = Files.writeString(dir.resolve("wrong.password"), "not-" + SECRET);
        try (YahooCluster c = YahooCluster.start(dir, SYMBOLS, true, KafkaBroker.start(dir, "etl", SECRET))) {
            c.common.put("stockula.kafka.bootstrap-servers", c.kafka.saslBootstrapServers());
            c.common.put("stockula.kafka.security-protocol", "SASL_PLAINTEXT");
            c.common.put("stockula.kafka.username", "etl");
            c.common.put("stockula.kafka.password-file", passwordFile.toString());
            ChildCommand runtime = c.runtime("a", Map.of(), "256m");
            Await.until(() -> c.groupMembers() == 3 || !runtime.isAlive(), 120);
            assertThat(runtime.isAlive()).as(c.logs()).isTrue();

            ChildCommand backfill = c.command(dir, "backfill", "backfill", "--symbols", String.join(",", c.symbols),
                    "--from", "2024-12-01", "--to", "2026-12-01");
            int exit = backfill.waitFor(Duration.ofSeconds(180));
            assertThat(exit).as(backfill.tail()).isZero();
            assertThat(c.count("SELECT count(*) FROM price_history")).isEqualTo(SYMBOLS * (long) SyntheticChart.BARS);
            assertThat(c.rows("SELECT runtime, state, count(*) FROM etl_run_requests GROUP BY 1, 2"))
                    .as("every request done by the runtime, through the SASL listener")
                    .containsExactly(List.of("a", "done", String.valueOf(SYMBOLS)));

            // a wrong password: refused by the broker, the backfill ends with an error that says so
            long t = System.nanoTime();
            ChildCommand refused = c.command(dir, "refused", Map.of("stockula.kafka.password-file", wrongFile.toString()),
                    "backfill", "--symbols", c.symbols.get(0), "--from", "2024-12-01", "--to", "2026-12-01");
            int refusedExit = refused.waitFor(Duration.ofSeconds(180));
            String out = refused.stdout() + refused.stderr();
            String errorLine = out.lines().filter(l -> l.startsWith("error:")).findFirst().orElse("(no error line)");
            System.out.printf("[kafka-sasl] wrong password: exit %d after %d s: %s%n", refusedExit,
                    YahooCluster.since(t).toSeconds(), errorLine);
            assertThat(refusedExit).as(refused.tail()).isEqualTo(6); // Kafka refused
            assertThat(errorLine).as(refused.tail())
                    .startsWith("error: Kafka refused or did not answer (SaslAuthenticationException)")
                    .contains("Authentication failed");
            assertThat(refused.stdout()).contains("backfill run").contains(" failed in ");
            assertThat(c.rows("SELECT status FROM etl_run_history WHERE job = 'yahoo-backfill' ORDER BY run_id"))
                    .containsExactly(List.of("succeeded"), List.of("failed"));
            assertThat(c.rows("SELECT error FROM etl_run_history WHERE status = 'failed'").get(0).get(0))
                    .startsWith("Kafka refused or did not answer (SaslAuthenticationException)");

            // the password nowhere: stdout and stderr of every process (under test, the log goes to stdout), the
            // scrape, run history, dead letters
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.toString().matches(".*\\.(out|err)$")).toList();
            }
            assertThat(files).hasSize(6);
            for (Path f : files) {
                assertThat(Files.readString(f)).as("%s", f.getFileName()).doesNotContain(SECRET);
            }
            assertThat(c.metrics("a")).contains("stockula_kafka_partitions_owned").doesNotContain(SECRET);
            assertThat(c.count("SELECT count(*) FROM etl_run_history WHERE coalesce(error, '') || coalesce(details::text, '')"
                    + " LIKE '%" + SECRET + "%'")).isZero();
            assertThat(c.count("SELECT count(*) FROM etl_dead_letters WHERE body || coalesce(exception_message, '')"
                    + " LIKE '%" + SECRET + "%'")).isZero();
        }
    }
}
