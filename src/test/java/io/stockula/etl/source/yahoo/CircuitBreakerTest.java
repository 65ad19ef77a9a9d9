package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private static CircuitBreaker breaker(long initialMs, long maxMs, long giveUpMs, double jitter, double random) {
        return new CircuitBreaker(Duration.ofMillis(initialMs), Duration.ofMillis(maxMs), Duration.ofMillis(giveUpMs),
                jitter, () -> random);
    }

    @Test
    void aThrottleMakesEveryCallerWaitForThePause() throws Exception {
        CircuitBreaker b = breaker(200, 1000, 60_000, 0, 0.5);
        CircuitBreaker.Ticket t = b.awaitPermission();
        b.onThrottled(t);
        long t0 = System.nanoTime();
        // two callers arrive during the pause: after it, exactly one goes (the probe), the other waits for its answer
        CompletableFuture<CircuitBreaker.Ticket> first = CompletableFuture.supplyAsync(() -> permission(b));
        CompletableFuture<CircuitBreaker.Ticket> second = CompletableFuture.supplyAsync(() -> permission(b));
        CircuitBreaker.Ticket probe = (CircuitBreaker.Ticket) CompletableFuture.anyOf(first, second).get(5, TimeUnit.SECONDS);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(190);
        assertThat(probe.probe()).isTrue();
        CompletableFuture<CircuitBreaker.Ticket> other = first.isDone() && first.get() == probe ? second : first;
        Thread.sleep(100);
        assertThat(other).isNotDone(); // only the probe goes while the circuit is half open
        b.onAnswered(probe);
        assertThat(other.get(2, TimeUnit.SECONDS).probe()).isFalse();
        assertThat(b.isOpen()).isFalse();
    }

    private static CircuitBreaker.Ticket permission(CircuitBreaker b) {
        try {
            return b.awaitPermission();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pausesDoubleUpToTheMaximumWithJitter() throws Exception {
        CircuitBreaker b = breaker(10, 35, 60_000, 0.2, 1.0); // random 1.0 -> +20 %
        b.onThrottled(b.awaitPermission());
        assertThat(b.lastPause()).isEqualTo(Duration.ofMillis(12));
        b.onThrottled(b.awaitPermission());
        assertThat(b.lastPause()).isEqualTo(Duration.ofMillis(24));
        b.onThrottled(b.awaitPermission());
        assertThat(b.lastPause()).isEqualTo(Duration.ofMillis(42)); // 40 capped to 35, +20 %
        CircuitBreaker low = breaker(100, 1000, 60_000, 0.2, 0.0); // random 0 -> -20 %
        low.onThrottled(low.awaitPermission());
        assertThat(low.lastPause()).isEqualTo(Duration.ofMillis(80));
    }

    @Test
    void aRequestSentBeforeTheCircuitOpenedDoesNotCountTwiceNorCloseIt() throws Exception {
        CircuitBreaker b = breaker(50, 1000, 60_000, 0, 0.5);
        CircuitBreaker.Ticket a = b.awaitPermission();
        CircuitBreaker.Ticket c = b.awaitPermission();
        b.onThrottled(a);
        b.onThrottled(c); // same event
        assertThat(b.lastPause()).isEqualTo(Duration.ofMillis(50));
        b.onAnswered(c); // an old success does not close the circuit
        assertThat(b.isOpen()).isTrue();
    }

    @Test
    void afterGivingUpCallersFailFastUntilANewRunRevivesIt() throws Exception {
        CircuitBreaker b = breaker(20, 20, 100, 0, 0.5);
        b.onThrottled(b.awaitPermission());
        Thread.sleep(30);
        b.onThrottled(b.awaitPermission()); // the probe is throttled again
        Thread.sleep(100);
        assertThatThrownBy(b::awaitPermission).isInstanceOf(YahooCircuitOpenException.class);
        b.reviveIfGivenUp();
        assertThat(b.awaitPermission().probe()).isFalse();
    }

    @Test
    void aProbeWithoutAnswerLetsAnotherTry() throws Exception {
        CircuitBreaker b = breaker(10, 10, 60_000, 0, 0.5);
        b.onThrottled(b.awaitPermission());
        CircuitBreaker.Ticket probe = b.awaitPermission();
        b.onNoAnswer(probe);
        assertThat(b.awaitPermission().probe()).isTrue();
    }

    @Test
    void aProbeThatNeverReportsIsReplacedAfterTheProbeTimeout() throws Exception {
        CircuitBreaker b = new CircuitBreaker(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofSeconds(60), 0,
                () -> 0.5, Duration.ofMillis(300));
        b.onThrottled(b.awaitPermission());
        CircuitBreaker.Ticket stuck = b.awaitPermission(); // this probe's thread hangs and never reports
        assertThat(stuck.probe()).isTrue();
        long t0 = System.nanoTime();
        CircuitBreaker.Ticket next = CompletableFuture.supplyAsync(() -> permission(b)).get(5, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("CircuitBreakerTest: a silent probe was replaced after " + ms + " ms (probe timeout 300 ms)");
        assertThat(next.probe()).isTrue();
        assertThat(ms).isBetween(250L, 3_000L);
        b.release(stuck); // the old probe finally ends: it must not free the new probe's slot
        assertThat(b.probing()).isTrue();
        b.onAnswered(next);
        assertThat(b.isOpen()).isFalse();
    }
}
