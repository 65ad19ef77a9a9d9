package io.stockula.etl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database password given by URL, by environment and by password file never shows up in any output: stdout,
 * stderr, error lines, the metrics, health and info endpoints, run history and dead letters. Runs the packaged
 * jar against a throwaway PostgreSQL cluster of its own with scram-sha-256 authentication, so a wrong password
 * really is refused. Also: the management server listens on loopback only, /observe/info is off.
 */
class SecretsExposureIT {

    private static final String SECRET = "Pw" + UUID.randomUUID().toString().replace("-", "");

    @TempDir
    static Path dir;

    private static EmbeddedPostgres pg;
    private static String base;
    private static final List<String> outputs = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void scramCluster() throws Exception {
        pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pgdata")).setCleanDataDirectory(true)
                .setPort(freePort()).start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("CREATE ROLE etl LOGIN PASSWORD '" + SECRET + "'");
            st.execute("CREATE DATABASE etl OWNER etl");
            Files.writeString(dir.resolve("pgdata").resolve("pg_hba.conf"), """
                    local all all trust
                    host all postgres 127.0.0.1/32 trust
                    host all all 127.0.0.1/32 scram-sha-256
                    host all all ::1/128 scram-sha-256
                    """);
            st.execute("SELECT pg_reload_conf()");
        }
        base = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/etl";
        // the cluster really checks passwords
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> DriverManager.getConnection(base + "?user=etl&password=wrong").close()))
                .hasMessageContaining("password authentication failed");
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            try (Connection c = DriverManager.getConnection(base + "?user=etl&password=" + SECRET);
                 Statement st = c.createStatement()) {
                outputs.add(dumpTables(st));
            }
            pg.close();
        }
        // every output of every test, and the tables (run history, dead letters, ...) at the end
        assertThat(outputs).isNotEmpty().allSatisfy(text -> assertThat(text).doesNotContain(SECRET));
    }

    @Test
    void passwordInTheUrlWorksIsWarnedAboutAndNeverPrinted() throws Exception {
        Run r = jar(Map.of(), "schema", "--db", base + "?user=etl&password=" + SECRET);
        assertThat(r.exit).as(r.out).isZero();
        assertThat(r.out).contains("visible to other users of this machine (ps, JMX)")
                .contains("schema applied to " + base + "?user=etl&password=***");

        Run userInfo = jar(Map.of(), "schema", "--db", "jdbc:postgresql://etl:" + SECRET + "@127.0.0.1:" + pg.getPort() + "/etl");
        assertThat(userInfo.exit).as(userInfo.out).isZero();
        assertThat(userInfo.out).contains("visible to other users");
    }

    @Test
    void connectionErrorsNameTheCauseWithoutThePassword() throws Exception {
        Run wrong = jar(Map.of("STOCKULA_DB_USER", "etl", "STOCKULA_DB_PASSWORD", "not-" + SECRET), "schema", "--db", base);
        assertThat(wrong.exit).as(wrong.out).isEqualTo(ExitCodes.DATABASE);
        assertThat(wrong.out).contains("error: cannot connect to target database " + base + ": FATAL: password authentication failed for user \"etl\"");

        Run refused = jar(Map.of(), "schema", "--db", "jdbc:postgresql://127.0.0.1:" + freePort() + "/etl?user=etl&password=" + SECRET);
        assertThat(refused.exit).as(refused.out).isEqualTo(ExitCodes.DATABASE);
        assertThat(refused.out).contains("password=***").contains("Connection").contains("refused");

        Run unknownHost = jar(Map.of(), "schema", "--db", "jdbc:postgresql://etl:" + SECRET + "@no-such-host.invalid:5432/etl");
        assertThat(unknownHost.exit).as(unknownHost.out).isEqualTo(ExitCodes.DATABASE);
        assertThat(unknownHost.out).contains("error: cannot connect to target database jdbc:postgresql://no-such-host.invalid:5432/etl: unknown host no-such-host.invalid");
    }

    @Test
    void runHistoryAndDeadLettersOfABackfillHoldNoPassword() throws Exception {
        String yahoo = "http://127.0.0.1:" + freePort();
        Run r = jar(Map.of("STOCKULA_DB_USER", "etl", "STOCKULA_DB_PASSWORD", SECRET), "backfill", "--symbols", "AAPL",
                "--db", base, "-D", "stockula.yahoo.query1-url=" + yahoo, "-D", "stockula.yahoo.query2-url=" + yahoo,
                "-D", "stockula.yahoo.fc-url=" + yahoo, "-D", "stockula.redelivery.maximum-redeliveries=0",
                "-D", "stockula.yahoo.requests-per-second=0");
        assertThat(r.exit).as(r.out).isEqualTo(ExitCodes.INCOMPLETE);
        try (Connection c = DriverManager.getConnection(base + "?user=etl&password=" + SECRET);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM etl_dead_letters), (SELECT count(*) FROM etl_run_history)")) {
            rs.next();
            assertThat(rs.getLong(1)).as("dead letters written").isPositive();
            assertThat(rs.getLong(2)).as("run history written").isPositive();
        }
    }

    @Test
    void runServesMetricsAndHealthOnLoopbackOnlyWithoutDetails() throws Exception {
        Path passwordFile = dir.resolve("db_password");
        Files.writeString(passwordFile, SECRET + "\n");
        int port = freePort();
        Path log = dir.resolve("run.log");
        ProcessBuilder pb = new ProcessBuilder(command("run", "--db", base, "--port", String.valueOf(port),
                "-D", "stockula.yahoo.enabled=false"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("STOCKULA_DB_USER", "etl", "STOCKULA_DB_PASSWORD_FILE", passwordFile.toString()));
        Process p = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String metrics = null;
            for (int i = 0; i < 240 && metrics == null; i++) {
                try {
                    metrics = get(http, port, "/observe/metrics").body();
                } catch (IOException notYet) {
                    assertThat(p.isAlive()).as("runtime died: %s", Files.readString(log)).isTrue();
                    Thread.sleep(500);
                }
            }
            assertThat(metrics).as("metrics endpoint answered").contains("hikaricp_connections");
            outputs.add(metrics);
            HttpResponse<String> health = get(http, port, "/observe/health");
            outputs.add(health.body());
            assertThat(health.body()).contains("\"name\":\"database\",\"status\":\"UP\"")
                    .doesNotContain("127.0.0.1:" + pg.getPort()).doesNotContain("jdbc:");
            HttpResponse<String> info = get(http, port, "/observe/info");
            outputs.add(info.body());
            assertThat(info.statusCode()).as("info is off by default").isEqualTo(404);
            assertThat(info.body()).doesNotContain(System.getProperty("user.home")).doesNotContain("\"pid\"");
            InetAddress external = nonLoopbackAddress();
            if (external != null) {
                assertThat(connects(external, port)).as("management port reachable on " + external).isFalse();
            } else {
                System.out.println("SecretsExposureIT: no non-loopback address here, bind address not checked");
            }
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            outputs.add(Files.readString(log));
        }
    }

    record Run(int exit, String out) {
    }

    private static Run jar(Map<String, String> env, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("STOCKULA_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("command ended").isTrue();
        String text = Files.readString(out);
        outputs.add(text);
        return new Run(p.exitValue(), text);
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx384m", "-jar", "target/stockula-etl.jar"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every text column of every table of the target, as JSON rows. */
    private static String dumpTables(Statement st) throws Exception {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables "
                + "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        StringBuilder all = new StringBuilder();
        for (String t : tables) {
            try (ResultSet rs = st.executeQuery("SELECT row_to_json(x)::text FROM \"" + t + "\" x")) {
                while (rs.next()) {
                    all.append(rs.getString(1)).append('\n');
                }
            }
        }
        assertThat(all).as("run history rows dumped").contains("run_id");
        return all.toString();
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (ni.isUp() && !ni.isLoopback()) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return a;
                    }
                }
            }
        }
        return null;
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
