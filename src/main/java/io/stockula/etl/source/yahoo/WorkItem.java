package io.stockula.etl.source.yahoo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.ops.DataException;
import java.io.IOException;

/**
 * One request of a run as it travels through the Kafka work topic: the run and its number in the run (the ledger
 * row, {@code etl_run_requests}), the job, which request route does it, and the request itself as its JSON (the
 * same JSON a dead letter of that request holds). Keyed by symbol on the topic; its partition is chosen by the
 * planner (the symbol's place in the run, modulo the partitions): one symbol's requests still share a partition,
 * and every partition gets the same number of symbols, where hashing the key leaves some with 30 % more work
 * than others (measured: the busiest of three runtimes did 221 of 600 requests, now about 200).
 */
public record WorkItem(long runId, int seq, String job, String kind, String symbol, String request, int partition) {

    public static final String CHART = "chart";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The item of a planned request (a ChartRequest or a ReferenceRequest). */
    static WorkItem of(YahooRun run, int seq, Object request, int partition) {
        if (request instanceof ChartRequest c) {
            return new WorkItem(run.runId(), seq, run.job(), CHART, c.symbol(), c.toJson(), partition);
        }
        if (request instanceof ReferenceRequest r) {
            return new WorkItem(run.runId(), seq, run.job(), r.kind(), r.symbol(), r.toJson(), partition);
        }
        throw new IllegalArgumentException("not a Yahoo request: " + request);
    }

    /** The request route that does this item (where a dead letter of it is replayed, too). */
    public String route() {
        return switch (kind) {
            case CHART -> "direct:yahoo-chart";
            case ReferenceRequest.QUOTE_SUMMARY -> "direct:yahoo-quote-summary";
            case ReferenceRequest.OPTIONS -> "direct:yahoo-options";
            default -> throw new DataException("unknown kind of Yahoo request on the work topic: " + kind);
        };
    }

    /** The request as the request route takes it. */
    public Object requestObject() {
        return CHART.equals(kind) ? ChartRequest.from(request) : ReferenceRequest.from(request, kind);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a message of the work topic; a message that is not one is a data error (dead-lettered, not retried). */
    public static WorkItem parse(Object body) {
        try {
            WorkItem w = body instanceof byte[] b ? JSON.readValue(b, WorkItem.class)
                    : JSON.readValue(String.valueOf(body), WorkItem.class);
            if (w.kind() == null || w.request() == null) {
                throw new DataException("not a Yahoo work item (kind and request are needed): " + body);
            }
            w.route();
            return w;
        } catch (IOException e) {
            throw new DataException("not a Yahoo work item: " + e.getMessage(), e);
        }
    }
}
