package io.stockula.etl.source.yahoo;

import io.stockula.etl.ops.EtlMetrics;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * The one door every camel-http request to Yahoo goes through (bound as {@code yahooHttp}, named on the
 * endpoints as {@code httpClientConfigurer=#yahooHttp}). It sits inside the HTTP client rather than as a route
 * step so that it also covers each redelivery of a failed call, which Camel makes at the HTTP step itself:
 * <ul>
 *   <li>waits while the circuit is open (a 429 pauses the whole job) and for a paced, bounded slot;</li>
 *   <li>sends a browser-like User-Agent and Accept headers, and the cookie and crumb where Yahoo requires them
 *       (quoteSummary, options, quote); on a 401 it fetches a new crumb and resends once;</li>
 *   <li>applies the connect and response timeouts;</li>
 *   <li>counts every answer by endpoint and status ({@code stockula_http_requests_total}, status 0 = no answer);</li>
 *   <li>turns a 200 that is not JSON (Yahoo's maintenance page, an empty body, "Too Many Requests") into a
 *       {@link YahooUnavailableException}, so the redelivery policy retries it like a 5xx.</li>
 * </ul>
 * The HTTP client's own retries are switched off: they would bypass all of this.
 */
public final class YahooHttpGate implements HttpClientConfigurer {

    private final YahooSettings settings;
    private final RateLimiter limiter;
    private final CircuitBreaker breaker;
    private final CrumbManager crumbs;
    private final EtlMetrics metrics;
    private final RequestConfig requestConfig;

    @SuppressWarnings("deprecation") // connect timeout per request: the connection manager is Camel's
    public YahooHttpGate(YahooSettings settings, RateLimiter limiter, CircuitBreaker breaker, CrumbManager crumbs,
                         EtlMetrics metrics) {
        this.settings = settings;
        this.limiter = limiter;
        this.breaker = breaker;
        this.crumbs = crumbs;
        this.metrics = metrics;
        this.requestConfig = RequestConfig.custom()
                .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                .setResponseTimeout(Timeout.of(settings.responseTimeout()))
                .setConnectionRequestTimeout(Timeout.of(settings.responseTimeout()))
                .build();
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
        builder.disableCookieManagement(); // cookies are Yahoo's session: sent explicitly below
        builder.addExecInterceptorFirst("stockula-yahoo-gate", this::execute);
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public RateLimiter limiter() {
        return limiter;
    }

    ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        String endpoint = endpointOf(request.getPath());
        boolean needsCrumb = needsCrumb(request.getPath());
        try {
            CrumbManager.Session session = needsCrumb ? crumbs.current() : null;
            CircuitBreaker.Ticket ticket = breaker.awaitPermission();
            RateLimiter.Permit permit = limiter.acquire();
            try {
                scope.clientContext.setRequestConfig(requestConfig);
                decorate(request, session);
                ClassicHttpResponse response = send(request, scope, chain, endpoint, ticket);
                if (needsCrumb && response.getCode() == 401) {
                    CrumbManager.Session fresh = crumbs.refresh(session);
                    if (fresh != session) {
                        response.close();
                        decorate(request, fresh);
                        limiter.awaitSlot();
                        response = send(request, scope, chain, endpoint, ticket);
                    }
                }
                return response;
            } finally {
                permit.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to call Yahoo");
        }
    }

    private ClassicHttpResponse send(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain,
                                     String endpoint, CircuitBreaker.Ticket ticket) throws IOException, HttpException {
        ClassicHttpResponse response;
        try {
            response = chain.proceed(request, scope);
        } catch (IOException | HttpException | RuntimeException e) {
            metrics.httpRequest(endpoint, 0);
            breaker.onNoAnswer(ticket);
            throw e;
        }
        int status = response.getCode();
        metrics.httpRequest(endpoint, status);
        if (status == 429) {
            breaker.onThrottled(ticket);
            return response;
        }
        if (status == 200 && !"other".equals(endpoint)) {
            String problem = notJson(response);
            if (problem != null) {
                if (problem.contains("Too Many Requests")) {
                    breaker.onThrottled(ticket);
                } else {
                    breaker.onAnswered(ticket);
                }
                throw new YahooUnavailableException("Yahoo " + endpoint + " answered 200 without data: " + problem);
            }
        }
        breaker.onAnswered(ticket);
        return response;
    }

    /** Buffers the body (Yahoo's are small) and returns what is wrong with it, or null when it looks like JSON. */
    private static String notJson(ClassicHttpResponse response) throws IOException {
        HttpEntity entity = response.getEntity();
        byte[] body = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
        String type = entity == null ? null : entity.getContentType();
        response.setEntity(new ByteArrayEntity(body, type == null ? ContentType.APPLICATION_JSON : ContentType.parse(type)));
        int i = 0;
        while (i < body.length && Character.isWhitespace(body[i])) {
            i++;
        }
        if (i == body.length) {
            return "empty body";
        }
        if (body[i] == '{' || body[i] == '[') {
            return null;
        }
        String head = new String(body, i, Math.min(300, body.length - i), StandardCharsets.UTF_8);
        if (head.contains("Too Many Requests")) {
            return "Too Many Requests";
        }
        if (head.startsWith("<") || head.contains("Will be right back")) {
            return "an HTML page (" + head.replaceAll("\\s+", " ").substring(0, Math.min(80, head.length())) + ")";
        }
        return null; // not JSON and not a known page: the parser dead-letters it with the body
    }

    private void decorate(ClassicHttpRequest request, CrumbManager.Session session) {
        request.setHeader("User-Agent", settings.userAgent());
        request.setHeader("Accept", "application/json,text/plain,*/*");
        request.setHeader("Accept-Language", "en-US,en;q=0.9");
        if (session != null) {
            if (!session.cookie().isEmpty()) {
                request.setHeader("Cookie", session.cookie());
            }
            request.setPath(withCrumb(request.getPath(), session.crumb()));
        }
    }

    static String withCrumb(String pathAndQuery, String crumb) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        StringBuilder out = new StringBuilder(path).append('?');
        if (q >= 0) {
            for (String p : pathAndQuery.substring(q + 1).split("&")) {
                if (!p.isEmpty() && !p.startsWith("crumb=")) {
                    out.append(p).append('&');
                }
            }
        }
        return out.append("crumb=").append(URLEncoder.encode(crumb, StandardCharsets.UTF_8)).toString();
    }

    static String endpointOf(String path) {
        if (path.startsWith("/v8/finance/chart/")) {
            return "chart";
        }
        if (path.startsWith("/v10/finance/quoteSummary/")) {
            return "quoteSummary";
        }
        if (path.startsWith("/v7/finance/options/")) {
            return "options";
        }
        if (path.startsWith("/v7/finance/quote")) {
            return "quote";
        }
        return "other";
    }

    static boolean needsCrumb(String path) {
        return path.startsWith("/v10/finance/") || path.startsWith("/v7/finance/");
    }
}
