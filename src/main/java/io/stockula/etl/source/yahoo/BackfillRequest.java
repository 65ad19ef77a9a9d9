package io.stockula.etl.source.yahoo;

import java.time.LocalDate;
import java.util.List;

/**
 * What {@code backfill} asks for: symbols, intervals, and optionally a date range (trading dates in each symbol's
 * exchange zone, both ends included).
 */
public record BackfillRequest(List<String> symbols, LocalDate from, LocalDate to, List<String> intervals) {
}
