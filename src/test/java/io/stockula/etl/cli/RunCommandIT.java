package io.stockula.etl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `java -jar target/stockula-etl.jar run` with no database configured: starts the embedded PostgreSQL, serves the
 * metrics endpoint, and stops cleanly (routes, pool, embedded server) on SIGTERM.
 */
class RunCommandIT {

    @TempDir
    Path home;

    @Test
    void runsOnTheEmbeddedDefaultServesMetricsAndStopsOnSigterm() throws Exception {
        int pgPort = freePort();
        int httpPort = freePort();
        Path log = home.resolve("run.log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("java", "-Xmx512m",
                "-Dstockula.embedded.data-dir=" + home.resolve("pgdata"),
                "-Dstockula.embedded.port=" + pgPort,
                "-jar", "target/stockula-etl.jar", "run", "--port", String.valueOf(httpPort))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> metrics = null;
            for (int i = 0; i < 120 && metrics == null; i++) {
                try {
                    metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/observe/metrics"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException notYet) {
                    assertThat(p.isAlive()).as("runtime died: %s", Files.readString(log)).isTrue();
                    Thread.sleep(500);
                }
            }
            long startMillis = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("run: metrics endpoint answered " + startMillis + " ms after launch");
            assertThat(metrics).isNotNull();
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("camel_routes_running_routes").contains("hikaricp_connections_active");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).contains("\"name\":\"database\",\"status\":\"UP\"");
            assertThat(Files.readString(log)).contains("No database configured: started embedded PostgreSQL 17 on 127.0.0.1:" + pgPort);
            assertThat(listening(pgPort)).isTrue();

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
            String out = Files.readString(log);
            assertThat(out).contains("Stop requested").contains("Stopped cleanly").doesNotContain("Exception");
            assertThat(listening(pgPort)).as("embedded PostgreSQL stopped").isFalse();
            assertThat(Files.exists(home.resolve("pgdata").resolve("PG_VERSION"))).as("data directory persists").isTrue();
        } finally {
            p.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
