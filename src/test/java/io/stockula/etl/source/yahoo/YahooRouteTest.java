package io.stockula.etl.source.yahoo;

import org.junit.jupiter.api.AfterEach;

/** The fake Yahoo a route test serves from, and the runtime it starts against it: both closed after each test. */
abstract class YahooRouteTest {

    protected final FakeYahoo fake = new FakeYahoo();
    protected YahooTestRuntime rt;

    @AfterEach
    void stopRuntimeAndFake() {
        if (rt != null) {
            rt.close();
        }
        fake.close();
    }
}
