-- Scale-out (several runtimes, stockula.kafka.* set): the requests of a Yahoo run travel through a Kafka topic and
-- any runtime may do any of them, so the run's ledger cannot stay in the memory of the runtime that planned it.
-- One row per request of a distributed run: written 'pending' by the planner before the request is published,
-- closed by whichever runtime did it (in its own transaction, after the request's rows or its dead letter were
-- committed, and before its Kafka offset is committed). The run ends when no row of it is pending. Rows of runs
-- that ended more than 30 days ago are deleted when a new run is recorded.
CREATE TABLE IF NOT EXISTS etl_run_requests (
    run_id       BIGINT NOT NULL,              -- etl_run_history.run_id (no foreign key: the history may be truncated)
    seq          INT NOT NULL,                 -- the request's number within its run (the Kafka message carries it)
    symbol       TEXT NOT NULL,                -- also the Kafka key: one symbol's requests stay in order
    request      JSONB NOT NULL,               -- the ChartRequest / ReferenceRequest, re-published if the run is adopted
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'done', 'dead_lettered', 'not_attempted')),
    runtime      TEXT,                         -- stockula.instance-id of the runtime that did it
    tally        JSONB,                        -- bars returned / loaded / merged / rejected ... of this request
    failures     JSONB,                        -- its dead letters or "not sent" notes, as the run's details show them
    published_at TIMESTAMPTZ,
    finished_at  TIMESTAMPTZ,
    PRIMARY KEY (run_id, seq)
);
-- the planner's "anything left?" question
CREATE INDEX IF NOT EXISTS ix_etl_run_requests_pending ON etl_run_requests (run_id) WHERE state = 'pending';
