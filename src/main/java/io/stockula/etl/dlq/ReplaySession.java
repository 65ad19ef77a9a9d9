package io.stockula.etl.dlq;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlRuntime;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays dead letters through the routes they failed in. It loads every route (as {@code run} does) with the
 * management server off and Camel's auto-startup off, then starts only the routes a message can be sent to
 * ({@code direct:} and {@code seda:} consumers: the entries, the dead-letter route and whatever they call), so that
 * no timer or Quartz route fires, and no ingestion starts, while an operator replays.
 * <p>
 * Each message is sent with its stored body and headers to its {@code replay_uri}, request-reply (so that a
 * {@code seda:} entry is waited for). If it fails again, the route's dead-letter channel persists it as a new
 * dead letter (so nothing disappears) and the original row becomes {@code replay_failed} (if nothing stored it
 * again, because the route has no dead-letter channel, the row stays {@code new}); on success it becomes
 * {@code replayed}. Both count the attempt in {@code replay_count} and time it in {@code replayed_at}.
 */
public final class ReplaySession implements AutoCloseable {

    /** Set on a replayed message: the id of the dead letter it came from (kept if it is dead-lettered again). */
    public static final String REPLAY_OF = "StockulaReplayOf";
    private static final String DEAD_LETTER_ID = "StockulaDeadLetterId";
    private static final Logger LOG = LoggerFactory.getLogger(ReplaySession.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Result { REPLAYED, FAILED_AGAIN, SKIPPED }

    public record Outcome(long id, Result result, String message, Long newDeadLetterId) {
    }

    private final EtlRuntime runtime;
    private final DeadLetterQueue queue;
    private final ProducerTemplate template;
    private final boolean kafka;

    /** {@code boot} must have been opened with {@code camel.main.auto-startup=false}: see {@link #settingsOverrides()}. */
    public ReplaySession(Bootstrap boot, Map<String, Object> extraBeans) throws Exception {
        this.queue = new DeadLetterQueue(boot.database().dataSource());
        this.runtime = new EtlRuntime(boot, List.of(), false, extraBeans);
        CamelContext ctx = runtime.start();
        List<String> started = new ArrayList<>();
        for (Route route : ctx.getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.startsWith("direct:") || uri.startsWith("seda:")) {
                ctx.getRouteController().startRoute(route.getRouteId());
                started.add(route.getRouteId());
            }
        }
        LOG.info("Replay: started the routes that take messages {}; scheduled routes stay stopped", started);
        this.template = ctx.createProducerTemplate();
        this.kafka = io.stockula.etl.config.KafkaSettings.from(boot.settings()).enabled();
    }

    /** The settings a replay session's Bootstrap needs: no route starts by itself. */
    public static Map<String, String> settingsOverrides() {
        return Map.of("camel.main.auto-startup", "false");
    }

    public CamelContext context() {
        return runtime.context();
    }

    public DeadLetterQueue queue() {
        return queue;
    }

    /** Replays one dead letter; {@code force} replays a row that was already replayed (or failed replaying). */
    public Outcome replay(DeadLetter dl, boolean force) throws SQLException {
        if (!force && !DeadLetter.NEW.equals(dl.status())) {
            return new Outcome(dl.id(), Result.SKIPPED, "status is " + dl.status() + " (use --force to replay it again)", null);
        }
        if (dl.replayUri() == null || dl.replayUri().isBlank()) {
            return new Outcome(dl.id(), Result.SKIPPED, "no replay_uri: route " + dl.routeId()
                    + " does not start from direct: or seda: (its source will deliver the data again)", null);
        }
        Map<String, Object> headers = headers(dl);
        Exchange ex = template.send(dl.replayUri(), ExchangePattern.InOut, e -> {
            e.getIn().setHeaders(headers);
            e.getIn().setBody(dl.body());
        });
        Object newId = ex.getMessage().getHeader(DEAD_LETTER_ID);
        Throwable error = ex.getException() != null ? ex.getException()
                : ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // failed again: the route's dead-letter channel stored it anew (and said so in a header), or the
        // exception came back unhandled (no error handler, or the dead letter could not be written)
        boolean failed = ex.getException() != null || newId != null;
        if (failed) {
            Long again = newId == null ? null : Long.valueOf(newId.toString());
            String why = error == null ? "failed" : error.getMessage();
            if (again != null) {
                queue.markReplayFailed(dl.id());
            } else {
                // the route has no dead-letter channel (or could not write to it): the message was stored nowhere
                // else, so this row stays new, to be replayed again
                queue.countFailedAttempt(dl.id());
                why += " (not dead-lettered again by the route: this row stays new)";
            }
            LOG.warn("Replay of dead letter #{} through {} failed again{}: {}", dl.id(), dl.replayUri(),
                    again == null ? "" : " (now dead letter #" + again + ")", why);
            return new Outcome(dl.id(), Result.FAILED_AGAIN, why, again);
        }
        queue.markReplayed(dl.id());
        LOG.info("Replayed dead letter #{} through {}", dl.id(), dl.replayUri());
        return new Outcome(dl.id(), Result.REPLAYED, "replayed through " + dl.replayUri(), null);
    }

    /** True when this dead letter is a Yahoo request and Kafka is configured: it is replayed through the topic. */
    public boolean throughKafka(DeadLetter dl) {
        return kafka && io.stockula.etl.source.yahoo.YahooReplay.isYahooRequest(dl.replayUri());
    }

    /**
     * Replays Yahoo request dead letters as one run shared through Kafka (any runtime does them, the command waits
     * until each is accounted for); returns an outcome per dead letter, in their order.
     */
    public List<Outcome> replayThroughKafka(List<DeadLetter> letters) throws Exception {
        List<io.stockula.etl.source.yahoo.YahooReplay.Result> results =
                io.stockula.etl.source.yahoo.YahooReplay.run(runtime.context(), template, letters);
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < letters.size(); i++) {
            DeadLetter dl = letters.get(i);
            var r = results.get(i);
            switch (r.state()) {
                case "done" -> {
                    queue.markReplayed(dl.id());
                    out.add(new Outcome(dl.id(), Result.REPLAYED, "replayed through Kafka by runtime " + r.runtime(), null));
                }
                case "dead_lettered" -> {
                    queue.markReplayFailed(dl.id());
                    out.add(new Outcome(dl.id(), Result.FAILED_AGAIN, r.reason(), r.newDeadLetterId()));
                }
                default -> {
                    queue.countFailedAttempt(dl.id());
                    out.add(new Outcome(dl.id(), Result.FAILED_AGAIN, r.reason() + " (this row stays new)", null));
                }
            }
        }
        return out;
    }

    static Map<String, Object> headers(DeadLetter dl) {
        Map<String, Object> h = new java.util.LinkedHashMap<>();
        if (dl.headersJson() != null && !dl.headersJson().isBlank()) {
            try {
                h.putAll(JSON.readValue(dl.headersJson(), new TypeReference<Map<String, Object>>() { }));
            } catch (Exception e) {
                throw new IllegalStateException("dead letter #" + dl.id() + " has unreadable headers: " + e.getMessage(), e);
            }
        }
        // bookkeeping of the failed delivery, not part of the message
        h.remove(Exchange.REDELIVERY_COUNTER);
        h.remove(Exchange.REDELIVERY_MAX_COUNTER);
        h.remove(Exchange.REDELIVERED);
        h.remove(DEAD_LETTER_ID);
        h.put(REPLAY_OF, dl.id());
        return h;
    }

    @Override
    public void close() {
        try {
            template.close();
        } catch (Exception e) {
            LOG.debug("producer template did not close: {}", e.getMessage());
        }
        runtime.close();
    }
}
