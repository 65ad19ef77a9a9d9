package io.stockula.etl.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;

/** Waits for a condition on the database (polled every 50 ms), failing the test when it is not reached in time. */
public final class Await {

    private Await() {
    }

    public static void until(Supplier<Boolean> condition, int seconds) throws InterruptedException {
        // a deadline, not a count of polls: a condition that takes a while to evaluate must not stretch the wait
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(condition.get()).as("condition reached within %d s", seconds).isTrue();
    }
}
