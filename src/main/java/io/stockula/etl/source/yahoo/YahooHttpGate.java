package io.stockula.etl.source.yahoo;

import io.stockula.etl.ops.EtlMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.apache.hc.core5.util.Timeout;

/**
 * The one door every camel-http request to Yahoo goes through (bound as {@code yahooHttp}, named on the
 * endpoints as {@code httpClientConfigurer=#yahooHttp}). It sits inside the HTTP client rather than as a route
 * step so that it also covers each redelivery of a failed call, which Camel makes at the HTTP step itself:
 * <ul>
 *   <li>waits while the circuit is open (a 429 pauses the whole job) and for a paced, bounded slot;</li>
 *   <li>sends a browser-like User-Agent and Accept headers, and the cookie and crumb where Yahoo requires them
 *       (quoteSummary, options, quote); on a 401 it fetches a new crumb and resends once;</li>
 *   <li>applies the connect and response timeouts, and a deadline for the whole answer
 *       ({@code stockula.yahoo.request-deadline}: a server dribbling bytes is cut off), and reads at most
 *       {@code stockula.yahoo.max-body-bytes} of a body ({@link YahooAnswerTooLargeException}, dead-lettered);</li>
 *   <li>counts every answer by endpoint and status ({@code stockula_http_requests_total}, status 0 = no answer);</li>
 *   <li>turns a 200 that is not JSON (Yahoo's maintenance page, an empty body, "Too Many Requests") into a
 *       {@link YahooUnavailableException}, so the redelivery policy retries it like a 5xx.</li>
 * </ul>
 * The HTTP client's own retries are switched off: they would bypass all of this.
 */
public final class YahooHttpGate implements HttpClientConfigurer {

    /** Cuts connections whose answer is not complete by the request deadline (one daemon thread per process). */
    private static final ScheduledThreadPoolExecutor WATCHDOG = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "yahoo-deadline");
        t.setDaemon(true);
        return t;
    });

    static {
        WATCHDOG.setRemoveOnCancelPolicy(true);
    }

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
        CircuitBreaker.Ticket ticket = null;
        try {
            CrumbManager.Session session = needsCrumb ? crumbs.current() : null;
            ticket = breaker.awaitPermission();
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
        } finally {
            if (ticket != null) {
                breaker.release(ticket); // a probe that ended without reporting lets the next request probe
            }
        }
    }

    /**
     * One exchange with Yahoo under the request deadline: a watchdog cuts the connection when the answer (headers
     * and body) is not complete in time. The body is read here, at most {@code maxBodyBytes} of it.
     */
    private ClassicHttpResponse send(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain,
                                     String endpoint, CircuitBreaker.Ticket ticket) throws IOException, HttpException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            expired.set(true);
            scope.execRuntime.discardEndpoint();
        }, settings.requestDeadline().toMillis(), TimeUnit.MILLISECONDS);
        try {
            ClassicHttpResponse response;
            try {
                response = chain.proceed(request, scope);
            } catch (IOException | HttpException | RuntimeException e) {
                metrics.httpRequest(endpoint, 0);
                breaker.onNoAnswer(ticket);
                if (expired.get()) {
                    throw deadlinePassed(endpoint, e);
                }
                throw e;
            }
            int status = response.getCode();
            metrics.httpRequest(endpoint, status);
            if (status == 429) {
                breaker.onThrottled(ticket);
                try {
                    buffer(response, endpoint, scope);
                } catch (IOException e) {
                    response.setEntity(new ByteArrayEntity(new byte[0], ContentType.TEXT_PLAIN)); // the status says it all
                }
                return response;
            }
            byte[] body;
            try {
                body = buffer(response, endpoint, scope);
            } catch (IOException e) {
                throw expired.get() ? deadlinePassed(endpoint, e) : e;
            }
            if (status == 200 && !"other".equals(endpoint)) {
                String problem = notJson(body);
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
        } finally {
            watchdog.cancel(false);
        }
    }

    private YahooDeadlineException deadlinePassed(String endpoint, Exception cause) {
        YahooDeadlineException e = new YahooDeadlineException("Yahoo " + endpoint + " answer not complete within "
                + settings.requestDeadline().toSeconds() + " s (stockula.yahoo.request-deadline): connection cut");
        e.initCause(cause);
        return e;
    }

    /**
     * Reads the body into memory, at most {@code maxBodyBytes} (announced or received), and puts it back on the
     * response for Camel. Over the limit the connection is cut rather than drained.
     */
    private byte[] buffer(ClassicHttpResponse response, String endpoint, ExecChain.Scope scope) throws IOException {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return new byte[0];
        }
        long max = settings.maxBodyBytes();
        long declared = entity.getContentLength();
        if (declared > max) {
            scope.execRuntime.discardEndpoint();
            throw tooLarge(endpoint, declared + " bytes announced", new byte[0], 0);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
        InputStream in = entity.getContent();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) != -1; ) {
            total += n;
            if (total > max) {
                scope.execRuntime.discardEndpoint();
                throw tooLarge(endpoint, "more than " + max + " bytes received", out.toByteArray(), out.size());
            }
            out.write(buf, 0, n);
        }
        in.close();
        byte[] body = out.toByteArray();
        String type = entity.getContentType();
        response.setEntity(new ByteArrayEntity(body, type == null ? ContentType.APPLICATION_JSON : ContentType.parse(type)));
        return body;
    }

    private YahooAnswerTooLargeException tooLarge(String endpoint, String what, byte[] head, int length) {
        return new YahooAnswerTooLargeException("Yahoo " + endpoint + " answer larger than " + settings.maxBodyBytes()
                + " bytes (stockula.yahoo.max-body-bytes): " + what + ", not read",
                new String(head, 0, Math.min(length, 1000), StandardCharsets.UTF_8));
    }

    /** What is wrong with a 200's body, or null when it looks like JSON. */
    private static String notJson(byte[] body) {
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
