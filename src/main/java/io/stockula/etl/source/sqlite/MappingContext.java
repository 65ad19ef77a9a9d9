package io.stockula.etl.source.sqlite;

import io.stockula.etl.transform.TradingDates;
import java.time.OffsetDateTime;

/** What a mapping needs besides the row: the trading-date rule (with known zones) and the run's start time. */
public record MappingContext(TradingDates tradingDates, OffsetDateTime runStartedAt) {
}
