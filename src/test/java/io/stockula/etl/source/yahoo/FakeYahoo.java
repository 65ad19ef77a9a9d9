package io.stockula.etl.source.yahoo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.Extension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Yahoo Finance on loopback (WireMock): serves the fixtures of src/test/resources/yahoo for query1, query2 and the
 * fc host alike (one port), with the cookie/crumb flow, and lets a test script failures per symbol.
 */
public final class FakeYahoo implements AutoCloseable {

    public static final String CRUMB = "crumbOne";

    private final WireMockServer server;

    public FakeYahoo(Extension... extensions) {
        this(true, extensions);
    }

    /** @param journal whether requests are kept for verification (off for the benchmark: it would grow the heap) */
    public FakeYahoo(boolean journal, Extension... extensions) {
        var options = options().dynamicPort().bindAddress("127.0.0.1").extensions(extensions).containerThreads(16)
                .jettyAcceptors(2);
        server = new WireMockServer(journal ? options : options.disableRequestJournal());
        server.start();
        server.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withStatus(404)
                .withHeader("Set-Cookie", "A3=d=AQABBFakeCookie&S=AQAAAFake; Path=/; Max-Age=31557600")
                .withHeader("Set-Cookie", "A1=d=AQABBFakeCookie; Path=/")
                .withBody("<html>not found</html>")));
        server.stubFor(get(urlPathEqualTo("/v1/test/getcrumb")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain;charset=utf-8").withBody(CRUMB)));
    }

    public WireMockServer server() {
        return server;
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Settings that point every Yahoo host at this server. */
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("stockula.yahoo.query1-url", url());
        m.put("stockula.yahoo.query2-url", url());
        m.put("stockula.yahoo.fc-url", url());
        m.put("stockula.yahoo.enabled", "false");
        return m;
    }

    public static String fixture(String name) {
        try (InputStream in = FakeYahoo.class.getResourceAsStream("/yahoo/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ResponseDefinitionBuilder json(String fixture) {
        return json(200, fixture);
    }

    public static ResponseDefinitionBuilder json(int status, String fixture) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8")
                .withBody(fixture(fixture));
    }

    /** A 200 chart answer with this JSON (built by a test rather than read from a fixture). */
    public static ResponseDefinitionBuilder body(String json) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json;charset=utf-8").withBody(json);
    }

    public static ResponseDefinitionBuilder tooManyRequests() {
        return aResponse().withStatus(429).withHeader("Content-Type", "text/plain").withBody("Too Many Requests");
    }

    public static String chartPath(String symbol) {
        return "/v8/finance/chart/" + YahooCharts.pathSegment(symbol);
    }

    public MappingBuilder chartRequest(String symbol) {
        return get(urlPathEqualTo(chartPath(symbol)));
    }

    /** Every chart request for the symbol gets this answer. */
    public FakeYahoo chart(String symbol, ResponseDefinitionBuilder answer) {
        server.stubFor(chartRequest(symbol).willReturn(answer));
        return this;
    }

    public FakeYahoo chart(String symbol, String fixture) {
        return chart(symbol, json(fixture));
    }

    /** Successive chart requests for the symbol get these answers, the last one from then on. */
    public FakeYahoo chartSequence(String symbol, ResponseDefinitionBuilder... answers) {
        return sequence(() -> chartRequest(symbol), "chart-" + symbol, answers);
    }

    public FakeYahoo sequence(Supplier<MappingBuilder> request, String scenario, ResponseDefinitionBuilder... answers) {
        for (int i = 0; i < answers.length; i++) {
            String state = i == 0 ? Scenario.STARTED : "step-" + i;
            ScenarioMappingBuilder m = request.get().inScenario(scenario).whenScenarioStateIs(state).willReturn(answers[i]);
            if (i < answers.length - 1) {
                m = m.willSetStateTo("step-" + (i + 1));
            }
            server.stubFor(m);
        }
        return this;
    }

    public List<LoggedRequest> chartRequests(String symbol) {
        return server.findAll(getRequestedFor(urlPathEqualTo(chartPath(symbol))));
    }

    public List<LoggedRequest> requests(String path) {
        return server.findAll(getRequestedFor(urlPathEqualTo(path)));
    }

    public List<LoggedRequest> allRequests() {
        return server.findAll(getRequestedFor(WireMock.anyUrl()));
    }

    @Override
    public void close() {
        server.stop();
    }
}
