package io.stockula.etl.source.sqlite;

import io.stockula.etl.ops.ErrorCategory;
import io.stockula.etl.ops.EtlMetrics;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;

/**
 * A failed poll of the SQLite file (locked by Stockula, corrupt, removed) is not a message, so no dead-letter
 * channel sees it: this strategy reports it to the sync (which records it and rewinds) and to the metrics,
 * and lets the reader try again at its next poll.
 */
public final class SqlitePollStrategy implements PollingConsumerPollStrategy {

    private final SqliteSync sync;
    private final EtlMetrics metrics;

    public SqlitePollStrategy(SqliteSync sync, EtlMetrics metrics) {
        this.sync = sync;
        this.metrics = metrics;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        sync.pollStarting(routeId(consumer, endpoint));
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        // nothing: checkpoints move when batches are written
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        metrics.error("sqlite", ErrorCategory.of(cause));
        sync.readFailed(routeId(consumer, endpoint), cause);
        return false;
    }

    private static String routeId(Consumer consumer, Endpoint endpoint) {
        return consumer instanceof org.apache.camel.spi.RouteIdAware r ? r.getRouteId() : String.valueOf(endpoint);
    }
}
