package io.stockula.etl.source.yahoo;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Job-wide pacing for every request to Yahoo: request starts are spaced {@code 1/rps} apart (each caller reserves
 * the next free slot, so the rate holds however many threads ask) and at most {@code concurrency} requests are in
 * flight. {@code rps <= 0} switches pacing off (benchmarks against the local fake server).
 */
public final class RateLimiter {

    private final long intervalNanos;
    private final Semaphore inFlight;
    private final int concurrency;
    private long nextSlot = System.nanoTime();

    public RateLimiter(double requestsPerSecond, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("stockula.yahoo.concurrency must be at least 1");
        }
        this.intervalNanos = requestsPerSecond <= 0 ? 0 : Math.round(1_000_000_000d / requestsPerSecond);
        this.concurrency = concurrency;
        this.inFlight = new Semaphore(concurrency, true);
    }

    /** A concurrency slot and a paced start; release it when the response has been handled. */
    public Permit acquire() throws InterruptedException {
        inFlight.acquire();
        try {
            awaitSlot();
        } catch (InterruptedException e) {
            inFlight.release();
            throw e;
        }
        return inFlight::release;
    }

    /**
     * A paced start without a concurrency slot: for the cookie and crumb calls a request makes while it already
     * holds a slot (taking a second one could deadlock when every slot waits for a crumb).
     */
    public void awaitSlot() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextSlot);
            nextSlot = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    public int concurrency() {
        return concurrency;
    }

    public boolean paced() {
        return intervalNanos > 0;
    }

    /** Returned by {@link #acquire()}. */
    @FunctionalInterface
    public interface Permit {
        void release();
    }
}
