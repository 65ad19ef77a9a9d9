package io.stockula.etl.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;

/** Waits for a condition on the database (polled every 50 ms), failing the test when it is not reached in time. */
public final class Await {

    private Await() {
    }

    public static void until(Supplier<Boolean> condition, int seconds) throws InterruptedException {
        for (int i = 0; i < seconds * 20; i++) {
            if (condition.get()) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(condition.get()).as("condition reached within %d s", seconds).isTrue();
    }
}
