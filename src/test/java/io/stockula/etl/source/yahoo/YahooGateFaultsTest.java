package io.stockula.etl.source.yahoo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.ops.EtlMetrics;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP gate against misbehaving servers on loopback (WireMock, and a raw socket server for an endless body):
 * answers bounded in size and in total time, and the 429 pause released on every path a probe can end by
 * (body read fails, interrupted while waiting for its slot, timed out, cut at the deadline, never reports).
 * Each test measures how long it took to stop or recover; without the release a stuck probe holds every Yahoo
 * request until give-up-after (here 60 s, in production 2 h).
 */
class YahooGateFaultsTest {

    private static final String OK_BODY = "{\"chart\":{\"result\":[],\"error\":null}}";

    private final FakeYahoo yahoo = new FakeYahoo();
    private CloseableHttpClient client;
    private YahooHttpGate gate;

    @AfterEach
    void close() throws IOException {
        if (client != null) {
            client.close();
        }
        yahoo.close();
    }

    private void gate(Map<String, String> extra) {
        Map<String, String> o = new LinkedHashMap<>(yahoo.settings());
        o.put("stockula.yahoo.requests-per-second", "0");
        o.put("stockula.yahoo.concurrency", "4");
        o.put("stockula.yahoo.response-timeout", "5s");
        o.put("stockula.yahoo.request-deadline", "1500ms");
        o.put("stockula.yahoo.max-body-bytes", String.valueOf(1 << 20));
        o.putAll(extra);
        YahooSettings s = YahooSettings.from(EtlSettings.load(null, o));
        RateLimiter limiter = new RateLimiter(s.requestsPerSecond(), s.concurrency());
        CircuitBreaker breaker = new CircuitBreaker(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(60),
                0, () -> 0.5, Duration.ofSeconds(60));
        EtlMetrics metrics = new EtlMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        gate = new YahooHttpGate(s, limiter, breaker, new CrumbManager(s, limiter, breaker, metrics), metrics);
        HttpClientBuilder b = HttpClientBuilder.create();
        gate.configureHttpClient(b);
        client = b.build();
    }

    private String get(String baseUrl, String symbol) throws IOException {
        return client.execute(new HttpGet(baseUrl + FakeYahoo.chartPath(symbol)), r -> r.getCode() + " " + EntityUtils.toString(r.getEntity()));
    }

    private static ResponseDefinitionBuilder ok() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(OK_BODY);
    }

    // --- bounded answers ---------------------------------------------------------------------------------------

    @Test
    void aBodyAnnouncedOverTheLimitIsRefusedWithoutReadingIt() throws Exception {
        gate(Map.of());
        try (EndlessServer huge = new EndlessServer(300L << 20)) { // announces 300 MB
            long t0 = System.nanoTime();
            Throwable e = catchThrowable(() -> get(huge.url(), "HUGE"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("YahooGateFaultsTest: 300 MB body against a 1 MB limit refused in " + ms + " ms");
            assertThat(e).isInstanceOf(YahooAnswerTooLargeException.class).hasMessage("Yahoo chart answer larger than "
                    + "1048576 bytes (stockula.yahoo.max-body-bytes): 314572800 bytes announced, not read");
            assertThat(ms).isLessThan(5_000);
        }
    }

    @Test
    void anEndlessChunkedBodyIsCutAtTheLimit() throws Exception {
        gate(Map.of("stockula.yahoo.request-deadline", "60s"));
        try (EndlessServer endless = new EndlessServer(-1)) {
            long t0 = System.nanoTime();
            Throwable e = catchThrowable(() -> get(endless.url(), "ENDLESS"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("YahooGateFaultsTest: endless chunked body cut at the 1 MB limit in " + ms + " ms, "
                    + endless.sent() / 1024 + " KiB sent by the server");
            assertThat(e).isInstanceOf(YahooAnswerTooLargeException.class)
                    .hasMessage("Yahoo chart answer larger than 1048576 bytes (stockula.yahoo.max-body-bytes): "
                            + "more than 1048576 bytes received, not read");
            assertThat(((YahooAnswerTooLargeException) e).getBody()).startsWith("{\"chart\":").hasSize(1000);
            assertThat(ms).isLessThan(10_000);
        }
    }

    @Test
    void aDribblingServerIsCutAtTheRequestDeadline() {
        gate(Map.of());
        yahoo.chart("SLOW", ok().withBody("{\"chart\":{\"result\":[]," + " ".repeat(200) + "\"error\":null}}")
                .withChunkedDribbleDelay(100, 60_000)); // 60 s for the body, 0.6 s per chunk: no read ever times out
        long t0 = System.nanoTime();
        Throwable e = catchThrowable(() -> get(yahoo.url(), "SLOW"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("YahooGateFaultsTest: dribbling answer cut " + ms + " ms after the request (deadline 1500 ms)");
        assertThat(e).isInstanceOf(YahooDeadlineException.class)
                .hasMessage("Yahoo chart answer not complete within 1 s (stockula.yahoo.request-deadline): connection cut");
        assertThat(ms).isBetween(1_400L, 10_000L);
    }

    // --- the 429 pause is released on every path ------------------------------------------------------------

    /** Opens the circuit with a 429, then runs the probe (which fails its own way), then a normal request. */
    private long recoveryAfterAFailedProbe(ResponseDefinitionBuilder probeAnswer, Class<? extends Throwable> probeFailure)
            throws Exception {
        yahoo.chartSequence("X", FakeYahoo.tooManyRequests(), probeAnswer, ok());
        assertThat(get(yahoo.url(), "X")).startsWith("429");
        assertThat(gate.breaker().isOpen()).isTrue();
        assertThat(catchThrowable(() -> get(yahoo.url(), "X"))).as("the probe fails").isInstanceOf(probeFailure);
        assertThat(gate.breaker().probing()).as("probe released").isFalse();
        long t0 = System.nanoTime();
        assertThat(get(yahoo.url(), "X")).isEqualTo("200 " + OK_BODY);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(gate.breaker().isOpen()).as("the next probe's answer closed the circuit").isFalse();
        return ms;
    }

    @Test
    void aProbeWhoseBodyReadFailsReleasesThePause() throws Exception {
        gate(Map.of());
        long ms = recoveryAfterAFailedProbe(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK), IOException.class);
        System.out.println("YahooGateFaultsTest: body read of the probe failed; next request answered in " + ms + " ms");
        assertThat(ms).isLessThan(3_000);
    }

    @Test
    void aProbeThatTimesOutReleasesThePause() throws Exception {
        gate(Map.of("stockula.yahoo.response-timeout", "300ms"));
        long ms = recoveryAfterAFailedProbe(ok().withFixedDelay(3_000), java.net.SocketTimeoutException.class);
        System.out.println("YahooGateFaultsTest: probe timed out; next request answered in " + ms + " ms");
        assertThat(ms).isLessThan(3_000);
    }

    @Test
    void aProbeCutAtTheDeadlineReleasesThePause() throws Exception {
        gate(Map.of());
        long ms = recoveryAfterAFailedProbe(ok().withChunkedDribbleDelay(100, 60_000), YahooDeadlineException.class);
        System.out.println("YahooGateFaultsTest: probe cut at the deadline; next request answered in " + ms + " ms");
        assertThat(ms).isLessThan(3_000);
    }

    @Test
    void aProbeInterruptedWhileWaitingForItsSlotReleasesThePause() throws Exception {
        gate(Map.of("stockula.yahoo.requests-per-second", "0.2")); // 5 s between request starts
        yahoo.chartSequence("X", FakeYahoo.tooManyRequests(), ok());
        assertThat(get(yahoo.url(), "X")).startsWith("429");
        AtomicReference<Thread> probeThread = new AtomicReference<>();
        CompletableFuture<Throwable> probe = CompletableFuture.supplyAsync(() -> {
            probeThread.set(Thread.currentThread());
            return catchThrowable(() -> get(yahoo.url(), "X"));
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!gate.breaker().probing()) { // the probe holds its ticket and waits for the rate limiter's slot
            assertThat(System.nanoTime()).as("probe started").isLessThan(deadline);
            Thread.sleep(10);
        }
        long t0 = System.nanoTime();
        probeThread.get().interrupt();
        assertThat(probe.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("YahooGateFaultsTest: interrupted probe released the pause " + ms + " ms after the interrupt");
        assertThat(gate.breaker().probing()).isFalse();
        assertThat(gate.breaker().isOpen()).as("still paused, but the next request may probe").isTrue();
        assertThat(ms).isLessThan(2_000);
    }

    /**
     * Streams a JSON-looking body for ever (until the client goes away): chunked, or announcing a Content-Length.
     */
    static final class EndlessServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private final long announced;
        private volatile long sent;
        private final Thread thread = new Thread(this::serve, "endless-server");

        EndlessServer(long announced) throws IOException {
            this.announced = announced;
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        long sent() {
            return sent;
        }

        private void serve() {
            try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                s.getInputStream().read(new byte[8192]);
                boolean chunked = announced < 0;
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + announced) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = ("{\"chart\":" + "[1,2,3,4,5,6,7,8,9,0],".repeat(1500)).getBytes(StandardCharsets.US_ASCII);
                while (!chunked) {
                    out.write(chunk);
                    sent += chunk.length;
                }
                while (true) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length;
                }
            } catch (IOException e) {
                // the client cut the connection: what we want
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
