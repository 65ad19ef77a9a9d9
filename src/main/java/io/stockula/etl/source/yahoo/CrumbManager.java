package io.stockula.etl.source.yahoo;

import io.stockula.etl.ops.EtlMetrics;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Yahoo's cookie and crumb, which quoteSummary and options require (chart does not): {@code GET} the fc host for
 * the cookies (its status does not matter, fc.yahoo.com answers 404 with them), then {@code GET
 * /v1/test/getcrumb} with them; the body is the crumb. Cached until a request is refused with 401, then fetched
 * again once; a crumb fetched less than {@code stockula.yahoo.crumb.min-refresh-interval} ago is not fetched
 * again (asking too often is itself a reason for Yahoo to throttle).
 * <p>
 * These two calls go through the same pacing and circuit breaker as every other request but do not take a
 * concurrency slot: the request that needs the crumb already holds one.
 */
public final class CrumbManager {

    private static final Logger LOG = LoggerFactory.getLogger(CrumbManager.class);

    private final YahooSettings settings;
    private final RateLimiter limiter;
    private final CircuitBreaker breaker;
    private final EtlMetrics metrics;
    private volatile Session current;

    public CrumbManager(YahooSettings settings, RateLimiter limiter, CircuitBreaker breaker, EtlMetrics metrics) {
        this.settings = settings;
        this.limiter = limiter;
        this.breaker = breaker;
        this.metrics = metrics;
    }

    /** The cached session, fetched on first use. */
    public Session current() throws IOException, InterruptedException {
        Session s = current;
        return s != null ? s : refresh(null);
    }

    /**
     * A new session, because {@code rejected} was refused. When another thread has already replaced it, or it is
     * younger than the minimum refresh interval, the current one is returned without asking Yahoo.
     */
    public synchronized Session refresh(Session rejected) throws IOException, InterruptedException {
        Session s = current;
        if (s != null && (s != rejected
                || System.nanoTime() - s.fetchedAtNanos() < settings.crumbMinRefresh().toNanos())) {
            return s;
        }
        current = fetch();
        return current;
    }

    /** Forget the session (tests, and a configuration change of the hosts). */
    public synchronized void invalidate() {
        current = null;
    }

    private Session fetch() throws IOException, InterruptedException {
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(settings.connectTimeout())
                .cookieHandler(cookies)
                .build();
        HttpResponse<String> fc = send(http, settings.fcUrl() + "/", "fc", null);
        String cookie = cookies.getCookieStore().getCookies().stream()
                .map(c -> c.getName() + "=" + c.getValue()).distinct().collect(Collectors.joining("; "));
        if (cookie.isEmpty()) {
            LOG.warn("Yahoo's fc host set no cookie (status {}): asking for a crumb without one", fc.statusCode());
        }
        HttpResponse<String> r = send(http, settings.query1Url() + "/v1/test/getcrumb", "getcrumb", cookie);
        String crumb = r.body() == null ? "" : r.body().strip();
        if (r.statusCode() != 200 || !plausible(crumb)) {
            throw new YahooUnavailableException("no crumb from Yahoo: HTTP " + r.statusCode() + " "
                    + crumb.substring(0, Math.min(80, crumb.length())));
        }
        LOG.info("Yahoo crumb obtained ({} cookie(s))", cookie.isEmpty() ? 0 : cookie.split("; ").length);
        return new Session(cookie, crumb, System.nanoTime());
    }

    /** A crumb is a short token; an HTML page or "Too Many Requests" is not one. */
    static boolean plausible(String crumb) {
        return !crumb.isEmpty() && crumb.length() <= 64 && crumb.chars().noneMatch(Character::isWhitespace)
                && !crumb.contains("<") && !crumb.toLowerCase().contains("too many requests");
    }

    private HttpResponse<String> send(HttpClient http, String url, String endpoint, String cookie)
            throws IOException, InterruptedException {
        CircuitBreaker.Ticket ticket = breaker.awaitPermission();
        limiter.awaitSlot();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET()
                .timeout(settings.responseTimeout())
                .header("User-Agent", settings.userAgent())
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .header("Accept-Language", "en-US,en;q=0.9");
        if (cookie != null && !cookie.isEmpty()) {
            b.header("Cookie", cookie);
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            metrics.httpRequest(endpoint, 0);
            breaker.onNoAnswer(ticket);
            throw e;
        }
        metrics.httpRequest(endpoint, r.statusCode());
        boolean throttled = r.statusCode() == 429
                || (r.body() != null && r.body().length() < 200 && r.body().contains("Too Many Requests"));
        if (throttled) {
            breaker.onThrottled(ticket);
            throw new YahooUnavailableException("Yahoo throttled the " + endpoint + " call (HTTP " + r.statusCode() + ")");
        }
        breaker.onAnswered(ticket);
        return r;
    }

    /** The cookies to send and the crumb to add to requests that need them. */
    public record Session(String cookie, String crumb, long fetchedAtNanos) {
    }
}
