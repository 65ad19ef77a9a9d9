package io.stockula.etl.source.sqlite;

import io.stockula.etl.transform.PriceUnits;
import io.stockula.etl.transform.TradingDates;
import java.time.OffsetDateTime;

/**
 * What a mapping needs besides the row: the trading-date rule (with known zones), the run's start time, and the
 * units of rate symbols.
 */
public record MappingContext(TradingDates tradingDates, OffsetDateTime runStartedAt, PriceUnits units) {
}
