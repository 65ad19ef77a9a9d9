package io.stockula.etl.source.yahoo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.ops.EtlMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CrumbManagerTest {

    private final FakeYahoo fake = new FakeYahoo();

    @AfterEach
    void stop() {
        fake.close();
    }

    private CrumbManager manager(String minRefresh) {
        Map<String, String> s = new HashMap<>(fake.settings());
        s.put("stockula.yahoo.crumb.min-refresh-interval", minRefresh);
        YahooSettings settings = YahooSettings.from(EtlSettings.load(null, s));
        return new CrumbManager(settings, new RateLimiter(0, 1),
                new CircuitBreaker(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofSeconds(5), 0),
                EtlMetrics.standalone());
    }

    @Test
    void getsTheCookieFromFcThenTheCrumbWithIt() throws Exception {
        CrumbManager.Session s = manager("60s").current();
        assertThat(s.crumb()).isEqualTo(FakeYahoo.CRUMB);
        assertThat(s.cookie()).contains("A3=d=AQABBFakeCookie&S=AQAAAFake").contains("A1=d=AQABBFakeCookie");
        fake.server().verify(1, getRequestedFor(urlPathEqualTo("/v1/test/getcrumb"))
                .withHeader("Cookie", com.github.tomakehurst.wiremock.client.WireMock.containing("A3=")));
    }

    @Test
    void aRejectedCrumbIsReplacedOnceAndSharedByEveryone() throws Exception {
        fake.sequence(() -> get(urlPathEqualTo("/v1/test/getcrumb")), "crumbs",
                aResponse().withBody("first"), aResponse().withBody("second"));
        CrumbManager m = manager("0ms");
        CrumbManager.Session first = m.current();
        assertThat(first.crumb()).isEqualTo("first");
        CrumbManager.Session second = m.refresh(first);
        assertThat(second.crumb()).isEqualTo("second");
        assertThat(m.refresh(first)).isSameAs(second); // another thread that also saw "first" fail
        assertThat(m.current()).isSameAs(second);
    }

    @Test
    void aCrumbYoungerThanTheMinimumIntervalIsNotFetchedAgain() throws Exception {
        CrumbManager m = manager("60s");
        CrumbManager.Session s = m.current();
        assertThat(m.refresh(s)).isSameAs(s);
        fake.server().verify(1, getRequestedFor(urlPathEqualTo("/v1/test/getcrumb")));
    }

    @Test
    void aThrottledOrHtmlCrumbIsNoCrumb() {
        fake.server().stubFor(get(urlPathEqualTo("/v1/test/getcrumb")).willReturn(aResponse().withStatus(429)
                .withBody("Too Many Requests")));
        assertThatThrownBy(() -> manager("0ms").current()).isInstanceOf(YahooUnavailableException.class)
                .hasMessageContaining("throttled");
        fake.server().stubFor(get(urlPathEqualTo("/v1/test/getcrumb")).willReturn(aResponse().withStatus(200)
                .withBody("<html><body>consent</body></html>")));
        assertThatThrownBy(() -> manager("0ms").current()).isInstanceOf(YahooUnavailableException.class);
        assertThat(CrumbManager.plausible("haT3oykhHqZ")).isTrue();
        assertThat(CrumbManager.plausible("Edge: Too Many Requests")).isFalse();
        fake.server().verify(getRequestedFor(urlPathEqualTo("/")).withHeader("User-Agent", equalTo(
                YahooSettings.DEFAULT_USER_AGENT)));
    }
}
