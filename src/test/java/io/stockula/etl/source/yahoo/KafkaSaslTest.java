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
 * A Kafka as managed clusters run it: SASL over TLS (SASL_SSL, PLAIN) on the real broker, its certificate from a
 * private CA. The runtime and a backfill log in with stockula.kafka.username and a password file and trust the CA by
 * stockula.kafka.ssl-truststore-*: the work crosses Kafka and is stored. A wrong password, and a missing truststore,
 * each end the backfill with exit 6 and a line naming Kafka's reason. No password shows up in any output, metric or
 * table.
 */
class KafkaSaslTest {

    private static final String SECRET = "Kp" + UUID.randomUUID().toString().replace("-", "");
    private static final int SYMBOLS = 12;

    @TempDir
    Path dir;

    @Test
    void theWorkCrossesASaslSslKafkaAndNoPasswordIsEverShown() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("kafka.password"), SECRET + "\n");
        Path wrongFile = Files.writeString(dir.resolve("wrong.password"), "not-" + SECRET);
        KafkaBroker.Tls tls = KafkaBroker.Tls.create(Files.createDirectory(dir.resolve("tls")));
        try (YahooCluster c = YahooCluster.start(dir, SYMBOLS, true, KafkaBroker.start(dir, "etl", SECRET, tls))) {
            c.common.put("stockula.kafka.bootstrap-servers", c.kafka.saslBootstrapServers());
            c.common.put("stockula.kafka.security-protocol", "SASL_SSL");
            c.common.put("stockula.kafka.username", "etl");
            c.common.put("stockula.kafka.password-file", passwordFile.toString());
            c.common.put("stockula.kafka.ssl-truststore-location", tls.truststore().toString());
            c.common.put("stockula.kafka.ssl-truststore-password", tls.password());
            ChildCommand runtime = c.runtime("a", Map.of(), "256m");
            Await.until(() -> c.groupMembers() == 3 || !runtime.isAlive(), 120);
            assertThat(runtime.isAlive()).as(c.logs()).isTrue();

            ChildCommand backfill = c.command(dir, "backfill", "backfill", "--symbols", String.join(",", c.symbols),
                    "--from", "2024-12-01", "--to", "2026-12-01");
            int exit = backfill.waitFor(Duration.ofSeconds(180));
            assertThat(exit).as(backfill.tail()).isZero();
            assertThat(c.count("SELECT count(*) FROM price_history")).isEqualTo(SYMBOLS * (long) SyntheticChart.BARS);
            assertThat(c.rows("SELECT runtime, state, count(*) FROM etl_run_requests GROUP BY 1, 2"))
                    .as("every request done by the runtime, through the SASL_SSL listener")
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

            // no truststore: the JDK's CAs do not know the broker's certificate; the TLS handshake fails, clearly
            t = System.nanoTime();
            ChildCommand untrusted = c.command(dir, "untrusted", Map.of("stockula.kafka.ssl-truststore-location", "",
                    "stockula.kafka.ssl-truststore-password", ""),
                    "backfill", "--symbols", c.symbols.get(0), "--from", "2024-12-01", "--to", "2026-12-01");
            int untrustedExit = untrusted.waitFor(Duration.ofSeconds(180));
            String untrustedLine = (untrusted.stdout() + untrusted.stderr()).lines().filter(l -> l.startsWith("error:"))
                    .findFirst().orElse("(no error line)");
            System.out.printf("[kafka-sasl] no truststore: exit %d after %d s: %s%n", untrustedExit,
                    YahooCluster.since(t).toSeconds(), untrustedLine);
            assertThat(untrustedExit).as(untrusted.tail()).isEqualTo(6);
            assertThat(untrustedLine).startsWith("error: Kafka refused or did not answer (SslAuthenticationException)")
                    .contains("SSL handshake failed");

            // the password nowhere: stdout and stderr of every process (under test, the log goes to stdout), the
            // scrape, run history, dead letters
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.toString().matches(".*\\.(out|err)$")).toList();
            }
            assertThat(files).hasSize(8);
            for (Path f : files) {
                assertThat(Files.readString(f)).as("%s", f.getFileName()).doesNotContain(SECRET)
                        .doesNotContain(tls.password());
            }
            assertThat(c.metrics("a")).contains("stockula_kafka_partitions_owned").doesNotContain(SECRET)
                    .doesNotContain(tls.password());
            assertThat(c.count("SELECT count(*) FROM etl_run_history WHERE coalesce(error, '') || coalesce(details::text, '')"
                    + " LIKE '%" + SECRET + "%'")).isZero();
            assertThat(c.count("SELECT count(*) FROM etl_dead_letters WHERE body || coalesce(exception_message, '')"
                    + " LIKE '%" + SECRET + "%'")).isZero();
        }
    }
}
