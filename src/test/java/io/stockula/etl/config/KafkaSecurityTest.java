package io.stockula.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.cli.CliHarness;
import io.stockula.etl.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stockula.kafka.* security settings: the client properties they make, what is refused, and no secret shown. */
class KafkaSecurityTest {

    @TempDir
    Path dir;

    private static KafkaSettings kafka(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("stockula.kafka.bootstrap-servers", "broker:9093");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return KafkaSettings.from(EtlSettings.load(null, m, Map.of()));
    }

    @Test
    void plaintextByDefault() {
        KafkaSettings k = kafka();
        assertThat(k.security().clientProperties()).containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
        assertThat(k.problem()).isNull();
    }

    @Test
    void scramOverTlsWithAPasswordFileAndAPrivateCa() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "s3cr\"et\\x\n");
        String ca = Files.writeString(dir.resolve("ca.p12"), "(a truststore)").toString();
        KafkaSettings k = kafka("stockula.kafka.security-protocol", "sasl_ssl", "stockula.kafka.sasl-mechanism",
                "SCRAM-SHA-512", "stockula.kafka.username", "etl", "stockula.kafka.password-file", file.toString(),
                "stockula.kafka.ssl-truststore-location", ca, "stockula.kafka.ssl-truststore-password", "trustpw");
        Map<String, Object> p = k.security().clientProperties();
        assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", ca).containsEntry("ssl.truststore.password", "trustpw")
                // the file's content, stripped, with its quote and backslash escaped for JAAS
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"etl\" password=\"s3cr\\\"et\\\\x\";");
        assertThat(k.problem()).isNull();
        assertThat(k.toString()).contains("SASL_SSL").contains("etl").doesNotContain("s3cr").doesNotContain("trustpw");
        assertThat(Secrets.redact("login s3cr\"et\\x refused")).isEqualTo("login *** refused");
        // the admin clients get the same
        assertThat(k.adminProperties()).containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void anyKafkaClientPropertyPassesThroughAndWins() {
        KafkaSettings k = kafka("stockula.kafka.security-protocol", "SASL_SSL", "stockula.kafka.sasl-mechanism",
                "OAUTHBEARER", "stockula.kafka.client.sasl.jaas.config",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;",
                "stockula.kafka.client.ssl.endpoint.identification.algorithm", "");
        assertThat(k.problem()).isNull();
        assertThat(k.security().clientProperties()).containsEntry("sasl.mechanism", "OAUTHBEARER")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"
                        + " required;")
                .doesNotContainKey("ssl.endpoint.identification.algorithm"); // blank = not set
    }

    @Test
    void whatIsRefused() {
        assertThat(kafka("stockula.kafka.security-protocol", "TLS").problem())
                .isEqualTo("stockula.kafka.security-protocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"
                        + " (it is 'TLS')");
        assertThat(kafka("stockula.kafka.security-protocol", "SASL_SSL").problem())
                .startsWith("stockula.kafka.security-protocol SASL_SSL needs stockula.kafka.username");
        assertThat(kafka("stockula.kafka.security-protocol", "SASL_SSL", "stockula.kafka.username", "etl").problem())
                .isEqualTo("stockula.kafka.username is set but no password (stockula.kafka.password or password-file)");
        assertThat(kafka("stockula.kafka.security-protocol", "SASL_SSL", "stockula.kafka.sasl-mechanism", "GSSAPI",
                "stockula.kafka.username", "etl", "stockula.kafka.password", "pw12").problem())
                .startsWith("stockula.kafka.sasl-mechanism GSSAPI needs its login in stockula.kafka.client.sasl.jaas.config");
        // credentials on a plaintext connection would go over the wire unused: a forgotten security-protocol
        assertThat(kafka("stockula.kafka.username", "etl", "stockula.kafka.password", "pw12").problem())
                .startsWith("stockula.kafka.username is set but stockula.kafka.security-protocol is PLAINTEXT");
        assertThat(kafka("stockula.kafka.security-protocol", "SASL_SSL", "stockula.kafka.username", "etl",
                "stockula.kafka.password-file", dir.resolve("missing").toString()).problem())
                .startsWith("cannot read stockula.kafka.password-file " + dir.resolve("missing"));
        assertThat(kafka("stockula.kafka.security-protocol", "SSL", "stockula.kafka.ssl-truststore-location",
                dir.resolve("ca.jks").toString()).problem())
                .isEqualTo("stockula.kafka.ssl-truststore-location " + dir.resolve("ca.jks") + " is not a readable file");
    }

    @Test
    void aBadSecuritySettingExits2WithOneSentence() {
        CliHarness.Result r = CliHarness.run("run", "-D", "stockula.kafka.bootstrap-servers=127.0.0.1:9",
                "-D", "stockula.kafka.security-protocol=SASL_SSL", "-D", "stockula.kafka.username=etl",
                "-D", "stockula.db.url=jdbc:postgresql://127.0.0.1:1/nothing");
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("error: stockula.kafka.username is set but no password");
    }

    @Test
    void secretsStayOutOfCamelsProperties() {
        assertThat(EtlRuntime.kafkaSecret("stockula.kafka.password")).isTrue();
        assertThat(EtlRuntime.kafkaSecret("stockula.kafka.ssl-truststore-password")).isTrue();
        assertThat(EtlRuntime.kafkaSecret("stockula.kafka.client.sasl.jaas.config")).isTrue();
        assertThat(EtlRuntime.kafkaSecret("stockula.kafka.username")).isFalse();
        assertThat(EtlRuntime.kafkaSecret("stockula.kafka.topic")).isFalse();
    }
}
