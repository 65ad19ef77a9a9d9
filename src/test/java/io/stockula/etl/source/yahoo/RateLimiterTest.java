package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void requestStartsArePacedHoweverManyThreadsAsk() throws Exception {
        RateLimiter limiter = new RateLimiter(20, 4); // one start every 50 ms
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 12; i++) {
            pool.submit(() -> {
                RateLimiter.Permit p = limiter.acquire();
                starts.add(System.nanoTime());
                p.release();
                return null;
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        List<Long> sorted = new ArrayList<>(starts);
        Collections.sort(sorted);
        for (int i = 1; i < sorted.size(); i++) {
            assertThat((sorted.get(i) - sorted.get(i - 1)) / 1_000_000).as("gap %d", i).isGreaterThanOrEqualTo(45);
        }
        assertThat((sorted.get(11) - sorted.get(0)) / 1_000_000).isGreaterThanOrEqualTo(11 * 50 - 20);
    }

    @Test
    void noMoreThanConcurrencyRequestsAreInFlight() throws Exception {
        RateLimiter limiter = new RateLimiter(0, 2);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        for (int i = 0; i < 24; i++) {
            pool.submit(() -> {
                RateLimiter.Permit p = limiter.acquire();
                try {
                    max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    Thread.sleep(5);
                    inFlight.decrementAndGet();
                } finally {
                    p.release();
                }
                return null;
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(max.get()).isEqualTo(2);
        assertThat(limiter.paced()).isFalse();
    }
}
