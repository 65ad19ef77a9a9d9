package io.stockula.etl.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runtimes (`run` in child JVMs, small heaps) side by side on one target, each with its own management port. */
public final class ClusterRuntimes {

    /** Small and quick to start: several of them share two cores with the build. */
    public static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ClusterRuntimes() {
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** `run --db url --port port -D k=v...` as runtime {@code name} (also its stockula.instance-id). */
    public static Runtime start(Path dir, String name, String db, String... settings) throws IOException {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("run", "--db", db, "--port", String.valueOf(port),
                "-D", "stockula.instance-id=" + name,
                // nothing but what the test schedules: no Yahoo, no quality run at start, rollups never
                "-D", "stockula.yahoo.enabled=false", "-D", "stockula.quality.run-on-start=false",
                "-D", "stockula.rollups.cron=0 0 0 1 1 ? 2099",
                "-D", "stockula.dead-letters.spool-dir=" + dir.resolve("spool-" + name)));
        for (String s : settings) {
            args.add("-D");
            args.add(s);
        }
        return new Runtime(name, port, ChildCommand.start(dir, name, JVM, args.toArray(String[]::new)));
    }

    public record Runtime(String name, int port, ChildCommand command) implements AutoCloseable {

        /** A gauge's value from the Prometheus scrape (the first series whose line starts with {@code series}), or NaN. */
        public double metric(String series) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/observe/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                for (String line : r.body().split("\n")) {
                    if (line.startsWith(series + " ") || line.startsWith(series + "{")) {
                        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Double.NaN;
        }

        public String log() {
            try {
                return command.stdout() + command.stderr();
            } catch (IOException e) {
                return "";
            }
        }

        /** SIGKILL: no shutdown hook, no goodbye to PostgreSQL or Quartz. */
        public void kill() throws InterruptedException {
            command.process().destroyForcibly();
            command.process().waitFor();
        }

        @Override
        public void close() {
            command.close();
        }
    }
}
