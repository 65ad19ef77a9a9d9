package io.stockula.etl.ops;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Called before each redelivery (onRedeliveryRef of the dead-letter channel). Counts attempts in an exchange
 * property, which survives useOriginalMessage (the message, with Camel's CamelRedeliveryCounter header, does not).
 */
public final class RedeliveryCounter implements Processor {

    public static final String PROPERTY = "StockulaRedeliveries";

    @Override
    public void process(Exchange exchange) {
        Integer n = exchange.getProperty(PROPERTY, Integer.class);
        exchange.setProperty(PROPERTY, n == null ? 1 : n + 1);
    }
}
