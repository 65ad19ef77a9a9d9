package io.stockula.etl.source.yahoo;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses the whole job when Yahoo throttles (HTTP 429). Yahoo bans clients that keep knocking, so one 429 stops
 * every thread, not only the one that got it: the circuit opens for a pause that doubles with each consecutive
 * 429 ({@code initialPause * 2^(n-1)}, at most {@code maxPause}, with +-jitter so that restarted jobs do not
 * knock in step). When the pause is over one request goes through as a probe while the others keep waiting;
 * any answer that is not a 429 closes the circuit, a 429 opens it again for longer. After {@code giveUpAfter} of
 * continuous throttling waiting callers fail fast with {@link YahooCircuitOpenException}.
 * <p>
 * A request that was already in flight when the circuit opened does not count as a second 429 (it would double
 * the pause for one event), and its success does not close the circuit (only the probe's does).
 * <p>
 * The probe is released on every path: the gate {@link #release releases} every ticket when its request ends
 * however it ends (body read failed, interrupted while waiting for a slot, timed out, any exception), and a probe
 * that has not reported within {@code probeTimeout} (a thread stuck somewhere) is replaced by the next caller.
 */
public final class CircuitBreaker {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    private final long initialNanos;
    private final long maxNanos;
    private final long giveUpNanos;
    private final double jitter;
    private final DoubleSupplier random;
    private final long probeTimeoutNanos;

    private int consecutive;
    private long generation;
    private long openUntil;
    private long streakStart;
    private boolean probing;
    private long probeSeq;
    private long probeStarted;
    private long lastPauseNanos;

    public CircuitBreaker(Duration initialPause, Duration maxPause, Duration giveUpAfter, double jitter) {
        this(initialPause, maxPause, giveUpAfter, jitter, Duration.ofMinutes(5));
    }

    public CircuitBreaker(Duration initialPause, Duration maxPause, Duration giveUpAfter, double jitter, Duration probeTimeout) {
        this(initialPause, maxPause, giveUpAfter, jitter, () -> ThreadLocalRandom.current().nextDouble(), probeTimeout);
    }

    CircuitBreaker(Duration initialPause, Duration maxPause, Duration giveUpAfter, double jitter, DoubleSupplier random) {
        this(initialPause, maxPause, giveUpAfter, jitter, random, Duration.ofMinutes(5));
    }

    CircuitBreaker(Duration initialPause, Duration maxPause, Duration giveUpAfter, double jitter, DoubleSupplier random,
                   Duration probeTimeout) {
        this.probeTimeoutNanos = probeTimeout.toNanos();
        this.initialNanos = initialPause.toNanos();
        this.maxNanos = Math.max(maxPause.toNanos(), initialNanos);
        this.giveUpNanos = giveUpAfter.isZero() ? Long.MAX_VALUE : giveUpAfter.toNanos();
        this.jitter = Math.max(0, Math.min(jitter, 0.9));
        this.random = random;
    }

    /** Blocks while the circuit is open; the returned ticket is reported back with the request's outcome. */
    public synchronized Ticket awaitPermission() throws InterruptedException, YahooCircuitOpenException {
        while (true) {
            if (consecutive == 0) {
                return new Ticket(generation, false, 0);
            }
            long now = System.nanoTime();
            if (now - streakStart >= giveUpNanos) {
                throw new YahooCircuitOpenException("Yahoo has throttled this client (HTTP 429) for "
                        + Duration.ofNanos(now - streakStart).toMinutes() + " min: request not sent");
            }
            if (now < openUntil) {
                long waitMs = Math.max(1, (openUntil - now + 999_999) / 1_000_000);
                wait(Math.min(waitMs, Math.max(1, (streakStart + giveUpNanos - now) / 1_000_000)));
                continue;
            }
            if (probing && now - probeStarted >= probeTimeoutNanos) {
                LOG.warn("The probe request to Yahoo has not reported for {} s: another request probes",
                        Duration.ofNanos(now - probeStarted).toSeconds());
                probing = false;
            }
            if (!probing) {
                probing = true;
                probeStarted = now;
                return new Ticket(generation, true, ++probeSeq);
            }
            long probeLeftMs = Math.max(1, (probeStarted + probeTimeoutNanos - now) / 1_000_000);
            wait(Math.min(Math.max(1, lastPauseNanos / 1_000_000), probeLeftMs));
        }
    }

    /** The request got HTTP 429 (or Yahoo's "Too Many Requests" text). */
    public synchronized void onThrottled(Ticket ticket) {
        if (ticket.generation() < generation && !ticket.probe()) {
            return; // sent before the circuit opened: the same throttling event
        }
        long now = System.nanoTime();
        consecutive++;
        generation++;
        if (consecutive == 1) {
            streakStart = now;
        }
        long base = initialNanos << Math.min(consecutive - 1, 30);
        if (base <= 0 || base > maxNanos) {
            base = maxNanos;
        }
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        lastPauseNanos = Math.max(1, (long) (base * factor));
        openUntil = now + lastPauseNanos;
        probing = false;
        LOG.warn("Yahoo throttled this client (429 #{} in a row): every Yahoo request pauses for {} ms", consecutive,
                lastPauseNanos / 1_000_000);
        notifyAll();
    }

    /** The request got an answer that is not a throttle (any status but 429): the probe's closes the circuit. */
    public synchronized void onAnswered(Ticket ticket) {
        if (ticket.probe() && ticket.generation() == generation && consecutive > 0) {
            LOG.info("Yahoo answers again after {} throttled attempt(s): resuming", consecutive);
            consecutive = 0;
            probing = false;
            notifyAll();
        }
    }

    /** The request got no answer (timeout, connection error): let another request probe. */
    public synchronized void onNoAnswer(Ticket ticket) {
        release(ticket);
    }

    /**
     * The request is over, however it ended. A probe that did not report an answer or a throttle (its body could
     * not be read, it was interrupted, it failed in any other way) lets the next request probe. A no-op for any
     * other ticket, and for a probe that already reported.
     */
    public synchronized void release(Ticket ticket) {
        if (ticket.probe() && ticket.generation() == generation && probing && ticket.seq() == probeSeq) {
            probing = false;
            notifyAll();
        }
    }

    /** True while a probe request is out (for tests and logs). */
    public synchronized boolean probing() {
        return probing;
    }

    /** Forget the throttling (a new run tries again rather than failing fast on yesterday's ban). */
    public synchronized void reset() {
        consecutive = 0;
        probing = false;
        notifyAll();
    }

    /** A new run starts: a circuit that gave up is closed again (one probe will tell); a running pause stays. */
    public synchronized void reviveIfGivenUp() {
        if (consecutive > 0 && System.nanoTime() - streakStart >= giveUpNanos) {
            reset();
        }
    }

    public synchronized boolean isOpen() {
        return consecutive > 0;
    }

    /** The length of the last pause chosen, for logs and tests. */
    public synchronized Duration lastPause() {
        return Duration.ofNanos(lastPauseNanos);
    }

    /** What a request holds while it is in flight; {@code seq} tells one probe from the next. */
    public record Ticket(long generation, boolean probe, long seq) {
    }
}
