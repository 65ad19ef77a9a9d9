package io.stockula.etl.cli;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.dlq.DeadLetter;
import io.stockula.etl.dlq.DeadLetterQueue;
import io.stockula.etl.dlq.ReplaySession;
import io.stockula.etl.dlq.TimeArg;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Inspect, replay and purge dead letters (etl_dead_letters): messages a route could not "
                + "process after its redeliveries.",
        subcommands = {DlqCommand.ListDeadLetters.class, DlqCommand.Replay.class, DlqCommand.Purge.class})
public final class DlqCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String oneLine(String s, int max) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() <= max ? t : t.substring(0, max - 1) + "…";
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List dead letters, newest first (by default those still to deal with: status new).")
    static final class ListDeadLetters implements Callable<Integer> {

        @Mixin
        CommonOptions common;

        @Option(names = "--route", paramLabel = "ROUTE", description = "Only this route id.")
        String route;

        @Option(names = "--since", paramLabel = "TIME",
                description = "Only those failed since TIME: 2024-06-01, 2024-06-01T12:00, 2024-06-01T12:00:00Z, or an age (30d, 12h, 90m).")
        String since;

        @Option(names = "--status", paramLabel = "STATUS", defaultValue = "new",
                description = "new (default), replayed, replay_failed or all.")
        String status;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N rows (default 50; 0 = all).")
        int limit;

        @Option(names = "--json", description = "One JSON object per line, with body and headers.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String st = status(status);
            Instant from = since == null ? null : TimeArg.parse(since, Clock.systemDefaultZone());
            try (Bootstrap boot = Bootstrap.open(common.settings(Map.of()))) {
                List<DeadLetter> rows = new DeadLetterQueue(boot.database().dataSource()).list(st, route, from, limit);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
                    for (DeadLetter d : rows) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", d.id());
                        m.put("failed_at", d.failedAt().toString());
                        m.put("route_id", d.routeId());
                        m.put("replay_uri", d.replayUri());
                        m.put("category", d.category());
                        m.put("attempts", d.attempts());
                        m.put("status", d.status());
                        m.put("replay_count", d.replayCount());
                        m.put("replayed_at", d.replayedAt() == null ? null : d.replayedAt().toString());
                        m.put("exception_class", d.exceptionClass());
                        m.put("exception_message", d.exceptionMessage());
                        m.put("headers", d.headersJson() == null ? null : mapper.readTree(d.headersJson()));
                        m.put("body", d.body());
                        out.println(mapper.writeValueAsString(m));
                    }
                } else {
                    out.println(String.format(Locale.ROOT, "%-7s %-20s %-22s %-9s %-13s %4s %7s  %s", "ID", "FAILED AT (UTC)",
                            "ROUTE", "CATEGORY", "STATUS", "TRY", "REPLAYS", "ERROR"));
                    for (DeadLetter d : rows) {
                        out.println(String.format(Locale.ROOT, "%-7d %-20s %-22s %-9s %-13s %4d %7d  %s", d.id(),
                                d.failedAt().toString().replace('T', ' ').replaceAll("\\.\\d+Z$|Z$", ""),
                                oneLine(d.routeId(), 22), d.category(), d.status(), d.attempts(), d.replayCount(),
                                oneLine(d.exceptionMessage(), 120)));
                    }
                    out.println(rows.size() + " dead letter(s)" + (limit > 0 && rows.size() == limit ? " (limit reached: --limit)" : ""));
                }
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Send dead letters again through the route they failed in (their replay_uri), with their "
                    + "stored body and headers. Success marks the row replayed; a message that fails again is stored "
                    + "again as a new dead letter by the route, and the original row is marked replay_failed: nothing "
                    + "disappears. Only the routes that take messages (direct:, seda:) are started; scheduled routes "
                    + "do not run during a replay.",
                    "Exit code: 0 when every message went through, 1 when one failed again or was skipped."})
    static final class Replay implements Callable<Integer> {

        /** dead letters replayed through Kafka per run (their bodies are held until the run ends) */
        static final int KAFKA_BATCH = 500;

        private static int[] print(PrintWriter out, List<ReplaySession.Outcome> outcomes) {
            int ok = 0;
            int bad = 0;
            for (ReplaySession.Outcome o : outcomes) {
                if (o.result() == ReplaySession.Result.REPLAYED) {
                    ok++;
                } else {
                    bad++;
                }
                out.println("#" + o.id() + ": " + o.result().name().toLowerCase().replace('_', ' ') + " - "
                        + oneLine(o.message(), 160)
                        + (o.newDeadLetterId() == null ? "" : " (now dead letter #" + o.newDeadLetterId() + ")"));
            }
            out.flush();
            return new int[] {ok, bad};
        }

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "ID", arity = "0..*", description = "Dead letter ids (see dlq list).")
        List<Long> ids = new ArrayList<>();

        @Option(names = "--all", description = "Every dead letter with status new (of --route, if given), oldest first.")
        boolean all;

        @Option(names = "--route", paramLabel = "ROUTE", description = "With --all: only this route id.")
        String route;

        @Option(names = "--force", description = "Replay rows already replayed or marked replay_failed too.")
        boolean force;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (all == !ids.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give dead letter ids or --all (not both)");
            }
            Map<String, String> overrides = new LinkedHashMap<>(ReplaySession.settingsOverrides());
            PrintWriter out = spec.commandLine().getOut();
            try (Bootstrap boot = Bootstrap.open(common.settings(overrides))) {
                DeadLetterQueue queue = new DeadLetterQueue(boot.database().dataSource());
                // the work list (ids only) is fixed before anything is replayed: rows a failing replay adds are not
                // picked up; each body is read just before its replay, so the backlog never sits in memory at once
                List<Long> work = all ? queue.pendingIds(route)
                        : queue.find(ids).stream().map(DeadLetter::id).toList();
                List<Long> missing = new ArrayList<>(ids);
                missing.removeAll(work);
                int ok = 0;
                int bad = missing.size();
                missing.forEach(id -> out.println("#" + id + ": no such dead letter"));
                if (!work.isEmpty()) {
                    try (ReplaySession session = new ReplaySession(boot, Map.of())) {
                        List<DeadLetter> viaKafka = new ArrayList<>();
                        for (Long id : work) {
                            List<DeadLetter> row = queue.find(List.of(id));
                            if (row.isEmpty()) {
                                out.println("#" + id + ": no such dead letter (purged meanwhile)");
                                bad++;
                                continue;
                            }
                            DeadLetter d = row.get(0);
                            if (session.throughKafka(d) && (force || DeadLetter.NEW.equals(d.status()))) {
                                // with Kafka, Yahoo requests go to the runtimes as one run, in batches
                                viaKafka.add(d);
                                if (viaKafka.size() >= KAFKA_BATCH) {
                                    int[] r = print(out, session.replayThroughKafka(viaKafka));
                                    ok += r[0];
                                    bad += r[1];
                                    viaKafka.clear();
                                }
                                continue;
                            }
                            int[] r = print(out, List.of(session.replay(d, force)));
                            ok += r[0];
                            bad += r[1];
                        }
                        if (!viaKafka.isEmpty()) {
                            int[] r = print(out, session.replayThroughKafka(viaKafka));
                            ok += r[0];
                            bad += r[1];
                        }
                    }
                }
                out.println(ok + " replayed, " + bad + " not");
                out.flush();
                return bad == 0 ? ExitCodes.OK : ExitCodes.INCOMPLETE;
            }
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Delete dead letters that failed before a time (whatever their status, unless --status).")
    static final class Purge implements Callable<Integer> {

        @Mixin
        CommonOptions common;

        @Option(names = "--before", paramLabel = "TIME", required = true,
                description = "2024-06-01 (midnight, local zone), 2024-06-01T12:00, 2024-06-01T12:00:00Z, or an age: 30d deletes those older than 30 days.")
        String before;

        @Option(names = "--status", paramLabel = "STATUS", defaultValue = "all",
                description = "Only rows with this status: new, replayed, replay_failed or all (default).")
        String status;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Instant t = TimeArg.parse(before, Clock.systemDefaultZone());
            String st = status(status);
            try (Bootstrap boot = Bootstrap.open(common.settings(Map.of()))) {
                int n = new DeadLetterQueue(boot.database().dataSource()).purge(t, st);
                spec.commandLine().getOut().println("purged " + n + " dead letter(s) failed before " + t
                        + (st == null ? "" : " with status " + st));
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            }
        }
    }

    static String status(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("all")) {
            return null;
        }
        if (!List.of(DeadLetter.NEW, DeadLetter.REPLAYED, DeadLetter.REPLAY_FAILED).contains(v)) {
            throw new IllegalArgumentException("unknown status " + s + " (new, replayed, replay_failed or all)");
        }
        return v;
    }
}
