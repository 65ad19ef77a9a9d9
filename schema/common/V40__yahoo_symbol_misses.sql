-- Chart 404s of a symbol, so that one 404 does not deactivate it for good: the symbol is marked inactive only
-- after stockula.yahoo.deactivate.misses answers 404 spread over at least stockula.yahoo.deactivate.days days
-- (YahooFailures). A served bar clears the streak; `symbols reactivate` clears it and the mark.
CREATE TABLE IF NOT EXISTS etl_symbol_misses (
    symbol       TEXT PRIMARY KEY,
    first_miss   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_miss    TIMESTAMPTZ NOT NULL DEFAULT now(),
    misses       INT NOT NULL DEFAULT 1,
    last_reason  TEXT
);
