package io.stockula.etl.source.yahoo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import io.stockula.etl.testsupport.ChildCommand;
import io.stockula.etl.testsupport.KafkaBroker;
import io.stockula.etl.testsupport.TestDatabases;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;

/**
 * Several runtimes (child JVMs running {@code run}) sharing one PostgreSQL database and one real Kafka broker,
 * against a fake Yahoo on loopback that serves {@link SyntheticChart} bars (252 days, 4 dividends) for N symbols.
 */
final class YahooCluster implements AutoCloseable {

    static final String GROUP = "stockula-etl";
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3)).build();

    final Path dir;
    final KafkaBroker kafka;
    final FakeYahoo yahoo;
    final String db;
    final List<String> symbols = new ArrayList<>();
    final Map<String, ChildCommand> runtimes = new LinkedHashMap<>();
    final Map<String, Integer> ports = new LinkedHashMap<>();
    /** settings for every runtime and command started from now on (after the defaults, before their own) */
    final Map<String, String> common = new LinkedHashMap<>();

    private YahooCluster(Path dir, KafkaBroker kafka, FakeYahoo yahoo, String db) {
        this.dir = dir;
        this.kafka = kafka;
        this.yahoo = yahoo;
        this.db = db;
    }

    static YahooCluster start(Path dir, int symbolCount, boolean journal) throws Exception {
        return start(dir, symbolCount, journal, KafkaBroker.start(dir));
    }

    /** As above, on this broker (e.g. one with a SASL listener). */
    static YahooCluster start(Path dir, int symbolCount, boolean journal, KafkaBroker kafka) throws Exception {
        FakeYahoo yahoo = new FakeYahoo(journal);
        YahooCluster c = new YahooCluster(dir, kafka, yahoo, TestDatabases.freshPostgres());
        for (int i = 0; i < symbolCount; i++) {
            String s = SyntheticChart.symbol(i);
            c.symbols.add(s);
            yahoo.server().stubFor(get(urlPathEqualTo(FakeYahoo.chartPath(s))).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody(SyntheticChart.json(s))));
        }
        return c;
    }

    /** Settings every runtime of the cluster shares; {@code extra} wins. */
    Map<String, String> settings(String name, Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>(yahoo.settings());
        m.put("stockula.instance-id", name);
        m.put("stockula.kafka.bootstrap-servers", kafka.bootstrapServers());
        m.put("stockula.kafka.adopt-period", "3s");
        m.put("stockula.kafka.session-timeout", "6s");
        m.put("stockula.yahoo.symbols", String.join(",", symbols));
        m.put("stockula.yahoo.time-zone", "UTC");
        m.put("stockula.yahoo.requests-per-second", "10");
        m.put("stockula.yahoo.concurrency", "3");
        m.put("stockula.yahoo.catch-up-delay", "1h");
        m.put("stockula.yahoo.quote-summary.cron", "0 0 0 1 1 ? 2099");
        m.put("stockula.yahoo.options.cron", "0 0 0 1 1 ? 2099");
        m.put("stockula.quality.run-on-start", "false");
        m.put("stockula.quality.cron", "0 0 0 1 1 ? 2099"); // its hourly tick would take run ids and CPU
        m.put("stockula.redelivery.delay", "500");
        m.put("stockula.redelivery.maximum-delay", "2000");
        m.putAll(common);
        m.putAll(extra);
        return m;
    }

    ChildCommand runtime(String name, Map<String, String> extra, String heap) throws Exception {
        int port = freePort();
        ports.put(name, port);
        List<String> args = new ArrayList<>(List.of("run", "--db", db, "--port", String.valueOf(port)));
        settings(name, extra).forEach((k, v) -> {
            args.add("-D");
            args.add(k + "=" + v);
        });
        ChildCommand c = ChildCommand.start(dir, name, List.of("-Xmx" + heap, "-XX:+UseSerialGC"),
                args.toArray(String[]::new));
        runtimes.put(name, c);
        return c;
    }

    /** The runtime's Prometheus scrape, or "" when it does not answer. */
    String metrics(String name) {
        try {
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + ports.get(name)
                    + "/observe/metrics")).timeout(Duration.ofSeconds(5)).build();
            return HTTP.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    /** The value of the first series of {@code metric} whose labels contain every one of {@code labels}, or NaN. */
    static double value(String scrape, String metric, String... labels) {
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(metric + "{")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    /** A one-shot command (backfill, dlq ...) in a child JVM, with the cluster's settings, against its database. */
    ChildCommand command(Path in, String name, String... args) throws Exception {
        return command(in, name, Map.of(), args);
    }

    /** As above, with these settings on top of the cluster's. */
    ChildCommand command(Path in, String name, Map<String, String> extra, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--db", db));
        settings(name, extra).forEach((k, v) -> {
            all.add("-D");
            all.add(k + "=" + v);
        });
        return ChildCommand.start(in, name, List.of("-Xmx256m"), all.toArray(String[]::new));
    }

    /** Members of the work topic's consumer group (each runtime has stockula.kafka.consumers of them). */
    int groupMembers() {
        try (Admin admin = kafka.admin()) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS)
                    .get(GROUP);
            return d == null ? 0 : d.members().size();
        } catch (Exception e) {
            return 0;
        }
    }

    /** Sends {@code value} to the work topic's partition as it is (no work item needed); returns the offset after it. */
    long sendRaw(int partition, String key, String value) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            return producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("stockula.yahoo.requests",
                    partition, key, value)).get(30, TimeUnit.SECONDS).offset() + 1;
        }
    }

    /** The group's committed offset on the work topic's partition, or -1. */
    long committedOffset(int partition) {
        try (Admin admin = kafka.admin()) {
            var tp = new org.apache.kafka.common.TopicPartition("stockula.yahoo.requests", partition);
            var m = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .get(tp);
            return m == null ? -1 : m.offset();
        } catch (Exception e) {
            return -1;
        }
    }

    /** A Quartz cron that fires once, at {@code at} (UTC, to the second). */
    static String cronAt(Instant at) {
        ZonedDateTime t = at.atZone(ZoneOffset.UTC);
        return t.getSecond() + " " + t.getMinute() + " " + t.getHour() + " " + t.getDayOfMonth() + " "
                + t.getMonthValue() + " ? " + t.getYear();
    }

    long count(String sql) {
        try (Connection c = DriverManager.getConnection(db, "postgres", null); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db, "postgres", null); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    List<List<String>> rows(String sql) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db, "postgres", null); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    String logs() {
        StringBuilder b = new StringBuilder();
        runtimes.forEach((n, c) -> {
            try {
                b.append("--- ").append(n).append(" (alive: ").append(c.isAlive()).append(")\n").append(c.tail()).append('\n');
            } catch (Exception e) {
                b.append("--- ").append(n).append(": ").append(e).append('\n');
            }
        });
        return b.toString();
    }

    @Override
    public void close() throws Exception {
        for (ChildCommand c : runtimes.values()) {
            c.process().destroy();
        }
        for (ChildCommand c : runtimes.values()) {
            if (!c.process().waitFor(30, TimeUnit.SECONDS)) {
                c.process().destroyForcibly();
            }
        }
        yahoo.close();
        kafka.close();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
