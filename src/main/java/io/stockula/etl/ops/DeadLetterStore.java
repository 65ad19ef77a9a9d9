package io.stockula.etl.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.config.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Date;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists a failed message (body, the headers that matter, exception, route, attempts, time) into
 * {@code etl_dead_letters}. Called by the {@code dead-letter} route that every route's dead-letter channel
 * ends in. If the table cannot be written, the message is logged in full at ERROR and the failure rethrown:
 * a dead letter is never dropped silently.
 */
public final class DeadLetterStore {

    /** A route may name where a replay should send its message (default: the route's own direct/seda entry). */
    public static final String REPLAY_URI = "StockulaReplayUri";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final EtlMetrics metrics;

    public DeadLetterStore(DataSource dataSource, EtlMetrics metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
    }

    public long store(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (error == null) {
            error = exchange.getException();
        }
        String routeId = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
        if (routeId == null) {
            routeId = exchange.getFromRouteId();
        }
        String endpoint = exchange.getProperty(Exchange.FAILURE_ENDPOINT, String.class);
        // useOriginalMessage drops Camel's redelivery header; RedeliveryCounter keeps the count in a property
        Integer redeliveries = exchange.getProperty(RedeliveryCounter.PROPERTY, Integer.class);
        int attempts = 1 + (redeliveries == null ? 0 : redeliveries);
        ErrorCategory category = error == null ? ErrorCategory.SYSTEM : ErrorCategory.of(error);
        String replayUri = exchange.getIn().getHeader(REPLAY_URI, String.class);
        if (replayUri == null && exchange.getFromEndpoint() != null) {
            String from = exchange.getFromEndpoint().getEndpointUri();
            if (from.startsWith("direct:") || from.startsWith("seda:")) {
                replayUri = from;
            }
        }
        Letter letter = new Letter(routeId, endpoint, replayUri, category, attempts, error, headersJson(exchange.getIn().getHeaders()),
                bodyText(exchange));
        try (Connection c = dataSource.getConnection()) {
            long id = insert(c, letter);
            metrics.deadLetter(routeId, category);
            LOG.warn("Dead letter #{} from route {} after {} attempt(s) [{}]: {}", id, routeId, attempts,
                    category.label(), error == null ? "no exception" : error.getMessage());
            exchange.getIn().setHeader("StockulaDeadLetterId", id);
            return id;
        } catch (SQLException | RuntimeException e) {
            metrics.deadLetterWriteFailure();
            LOG.error("DEAD LETTER NOT PERSISTED ({}): route={} endpoint={} attempts={} exception={} headers={} body={}",
                    e.getMessage(), routeId, endpoint, attempts, error, letter.headers(), truncate(letter.body(), 100_000), e);
            throw new IllegalStateException("dead letter could not be persisted: " + e.getMessage(), e);
        }
    }

    /** One dead letter as stored: where it failed, how often, why, and the message (headers as JSON, body as text). */
    public record Letter(String routeId, String endpoint, String replayUri, ErrorCategory category, int attempts,
                         Throwable error, String headers, String body) {
    }

    /** Inserts a dead letter with the caller's connection (and so in the caller's transaction); returns its id. */
    public static long insert(Connection c, Letter l) throws SQLException {
        String sql = "INSERT INTO etl_dead_letters (route_id, endpoint, replay_uri, category, attempts, exception_class,"
                + " exception_message, stacktrace, headers, body) VALUES (?,?,?,?,?,?,?,?,?::jsonb,?) RETURNING id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Throwable error = l.error();
            ps.setString(1, l.routeId());
            ps.setString(2, l.endpoint());
            ps.setString(3, l.replayUri());
            ps.setString(4, l.category().label());
            ps.setInt(5, l.attempts());
            ps.setString(6, error == null ? null : error.getClass().getName());
            ps.setString(7, error == null ? null : Secrets.redact(String.valueOf(error.getMessage())));
            ps.setString(8, error == null ? null : Secrets.redact(stackTrace(error)));
            ps.setString(9, l.headers());
            ps.setString(10, l.body());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String bodyText(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (body == null) {
            return null;
        }
        if (body instanceof String s) {
            return s;
        }
        if (body instanceof byte[] b) {
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        if (body instanceof io.stockula.etl.load.Batch batch) {
            // its rows stay in the source and are read again from the checkpoint: the summary says which
            return batch.toString();
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (Exception e) {
            String converted = exchange.getContext().getTypeConverter().tryConvertTo(String.class, exchange, body);
            return converted != null ? converted : body.toString();
        }
    }

    static String headersJson(Map<String, Object> headers) {
        Map<String, Object> kept = new TreeMap<>();
        headers.forEach((k, v) -> {
            boolean camelInternal = k.startsWith("Camel") && !k.startsWith("CamelHttp") && !k.startsWith("CamelSql")
                    && !k.equals(Exchange.REDELIVERY_COUNTER);
            if (!camelInternal && (v instanceof CharSequence || v instanceof Number || v instanceof Boolean)) {
                kept.put(k, v instanceof CharSequence ? v.toString() : v);
            } else if (!camelInternal && v instanceof Date d) {
                kept.put(k, d.toInstant().toString());
            }
        });
        try {
            return JSON.writeValueAsString(kept);
        } catch (Exception e) {
            return "{}";
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return truncate(w.toString(), 20_000);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
    }
}
