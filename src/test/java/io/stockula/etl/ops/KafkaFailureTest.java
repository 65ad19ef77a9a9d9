package io.stockula.etl.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.cli.ExitCodes;
import java.io.IOException;
import org.apache.camel.CamelExchangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

/** A Kafka failure is told by Kafka's reason, not by the Camel wrapper around it. */
class KafkaFailureTest {

    @Test
    void kafkasReasonInsteadOfCamelsWrapper() {
        Exception e = new RuntimeException(new CamelExchangeException("Multicast processing failed for number 0", null,
                new SaslAuthenticationException("Authentication failed: Invalid username or password")));
        assertThat(KafkaFailure.find(e)).isInstanceOf(SaslAuthenticationException.class);
        assertThat(KafkaFailure.describe(e)).isEqualTo("Kafka refused or did not answer (SaslAuthenticationException):"
                + " Authentication failed: Invalid username or password");
        assertThat(ExitCodes.describe(e)).isEqualTo(KafkaFailure.describe(e));
    }

    @Test
    void aClientThatCannotBeBuiltSaysWhy() {
        Exception e = new KafkaException("Failed to construct kafka producer",
                new KafkaException("Failed to load SSL keystore", new IOException("/etc/ca.p12 (No such file or directory)")));
        assertThat(KafkaFailure.describe(e)).isEqualTo("Kafka refused or did not answer (KafkaException): Failed to"
                + " construct kafka producer: /etc/ca.p12 (No such file or directory)");
    }

    @Test
    void otherFailuresKeepTheirMessage() {
        assertThat(KafkaFailure.find(new IllegalStateException("x", new IOException("y")))).isNull();
        assertThat(KafkaFailure.describe(new IllegalStateException("the database is away"))).isEqualTo("the database is away");
    }
}
