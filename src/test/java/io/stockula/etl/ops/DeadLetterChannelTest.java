package io.stockula.etl.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockula.etl.testsupport.TestRuntime;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** The shared routeConfiguration: redelivery, then the failed message persisted in etl_dead_letters. */
class DeadLetterChannelTest {

    @Test
    void transientFailureIsRedeliveredThenPersistedWithItsException() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (TestRuntime t = TestRuntime.postgres().start()) {
            t.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:flaky").routeId("flaky").routeConfigurationId("etl-errors")
                            .setHeader("symbol", constant("AAPL"))
                            .process(e -> {
                                calls.incrementAndGet();
                                throw new IOException("Yahoo timed out");
                            });
                }
            });
            t.context().createProducerTemplate().sendBodyAndHeader("direct:flaky", "{\"symbol\":\"AAPL\"}", "batch", 7);

            assertThat(calls.get()).isEqualTo(4); // 1 try + 3 redeliveries (stockula.redelivery.maximum-redeliveries)
            assertThat(t.rows("SELECT route_id, replay_uri, category, attempts, exception_class, exception_message, body,"
                    + " headers->>'batch' FROM etl_dead_letters"))
                    .containsExactly(List.of("flaky", "direct://flaky", "transient", "4", "java.io.IOException",
                            "Yahoo timed out", "{\"symbol\":\"AAPL\"}", "7"));
            assertThat(t.rows("SELECT stacktrace LIKE '%Yahoo timed out%' FROM etl_dead_letters"))
                    .containsExactly(List.of("t"));
        }
    }

    @Test
    void dataFailureIsNotRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (TestRuntime t = TestRuntime.postgres().start()) {
            t.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:parse").routeId("parse").routeConfigurationId("etl-errors")
                            .process(e -> {
                                calls.incrementAndGet();
                                throw new DataException("malformed JSON at offset 12");
                            });
                }
            });
            t.context().createProducerTemplate().sendBody("direct:parse", "{\"chart\": [");
            assertThat(calls.get()).isEqualTo(1);
            assertThat(t.rows("SELECT route_id, category, attempts, body FROM etl_dead_letters"))
                    .containsExactly(List.of("parse", "data", "1", "{\"chart\": ["));
        }
    }

    @Test
    void aDeadLetterThatCannotBePersistedIsSpooledCountedAndStoredLater() throws Exception {
        try (TestRuntime t = TestRuntime.postgres().start()) {
            try (var c = t.connection(); var st = c.createStatement()) {
                st.execute("ALTER TABLE etl_dead_letters RENAME TO etl_dead_letters_gone");
            }
            DeadLetterStore store = t.context().getRegistry().lookupByNameAndType("deadLetterStore", DeadLetterStore.class);
            var exchange = new org.apache.camel.support.DefaultExchange(t.context());
            exchange.getIn().setBody("lost?");
            assertThat(store.store(exchange)).as("kept in the spool, not stored").isEqualTo(-1);
            assertThat(t.boot.meterRegistry().get("stockula.dead.letter.write.failures").counter().count()).isEqualTo(1.0);
            assertThat(store.spooled()).isEqualTo(1);
            try (var c = t.connection(); var st = c.createStatement()) {
                st.execute("ALTER TABLE etl_dead_letters_gone RENAME TO etl_dead_letters");
            }
            assertThat(store.drainSpool()).isEqualTo(1);
            assertThat(t.rows("SELECT body FROM etl_dead_letters")).containsExactly(java.util.List.of("lost?"));
        }
    }
}
