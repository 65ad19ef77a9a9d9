package io.stockula.etl.dlq;

import java.time.Instant;

/** A row of {@code etl_dead_letters}. */
public record DeadLetter(long id, Instant failedAt, String routeId, String endpoint, String replayUri, String category,
                         int attempts, String exceptionClass, String exceptionMessage, String headersJson, String body,
                         String status, Instant replayedAt, int replayCount) {

    public static final String NEW = "new";
    public static final String REPLAYED = "replayed";
    public static final String REPLAY_FAILED = "replay_failed";
}
