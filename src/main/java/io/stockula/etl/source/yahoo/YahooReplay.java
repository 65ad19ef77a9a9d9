package io.stockula.etl.source.yahoo;

import io.stockula.etl.dlq.DeadLetter;
import io.stockula.etl.ops.RunHistory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

/**
 * {@code dlq replay} of Yahoo request dead letters when Kafka is configured: the letters become one run (job
 * {@code yahoo-replay}) whose requests go through the work topic like a scheduled run's, done by whichever runtimes
 * consume it; the command waits for each to be accounted for and reads its fate from the run's ledger.
 */
public final class YahooReplay {

    public static final String JOB = "yahoo-replay";

    private YahooReplay() {
    }

    /** A dead letter of a Yahoo request route. */
    public static boolean isYahooRequest(String replayUri) {
        return "direct:yahoo-chart".equals(replayUri) || "direct:yahoo-quote-summary".equals(replayUri)
                || "direct:yahoo-options".equals(replayUri);
    }

    /** Each letter's fate: done, dead_lettered (again: its new dead letter), not_attempted or pending. */
    public record Result(String state, String runtime, String reason, Long newDeadLetterId) {
    }

    public static List<Result> run(CamelContext context, ProducerTemplate template, List<DeadLetter> letters)
            throws Exception {
        DataSource ds = context.getRegistry().lookupByNameAndType("targetDb", DataSource.class);
        YahooJobs jobs = context.getRegistry().lookupByNameAndType("yahooJobs", YahooJobs.class);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("dead_letters", letters.stream().map(DeadLetter::id).toList());
        long runId = new RunHistory(ds).start(JOB, details);
        List<Object> requests = new ArrayList<>();
        for (DeadLetter dl : letters) {
            requests.add(switch (dl.replayUri()) {
                case "direct:yahoo-chart" -> ChartRequest.from(dl.body()).withRunId(runId);
                case "direct:yahoo-quote-summary" -> withRun(ReferenceRequest.from(dl.body(), ReferenceRequest.QUOTE_SUMMARY), runId);
                default -> withRun(ReferenceRequest.from(dl.body(), ReferenceRequest.OPTIONS), runId);
            });
        }
        YahooRun run = new YahooRun(JOB, runId, requests);
        Exchange ex = new DefaultExchange(context);
        ex.setProperty(YahooRuns.RUN, run);
        Exchange done = template.send("direct:yahoo-publish", ex);
        Exception error = done.getException();
        jobs.close(run, error == null ? null : io.stockula.etl.ops.KafkaFailure.describe(error));
        if (error != null) {
            throw error;
        }
        List<Result> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT state, runtime, failures::text FROM etl_run_requests"
                     + " WHERE run_id = ? ORDER BY seq")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String failures = rs.getString(3);
                    Long again = null;
                    String reason = rs.getString(1);
                    if (failures != null && failures.contains("dead_letter_id")) {
                        var list = new com.fasterxml.jackson.databind.ObjectMapper().readTree(failures);
                        if (list.size() > 0) {
                            reason = list.get(0).path("reason").asText(reason);
                            again = list.get(0).path("dead_letter_id").isNumber() ? list.get(0).path("dead_letter_id").asLong() : null;
                        }
                    }
                    out.add(new Result(rs.getString(1), rs.getString(2), reason, again));
                }
            }
        }
        while (out.size() < letters.size()) {
            out.add(new Result("pending", null, "not recorded in the run's ledger", null));
        }
        return out;
    }

    private static ReferenceRequest withRun(ReferenceRequest r, long runId) {
        return new ReferenceRequest(runId, r.kind(), r.symbol(), r.expiration());
    }
}
