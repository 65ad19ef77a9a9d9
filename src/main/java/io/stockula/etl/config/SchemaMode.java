package io.stockula.etl.config;

/** Which physical schema the target has: TimescaleDB features, or plain PostgreSQL stand-ins for them. */
public enum SchemaMode {
    TIMESCALEDB("timescaledb", "mode TimescaleDB (hypertables, compression, retention, continuous aggregates)"),
    POSTGRES("postgres", "mode plain PostgreSQL (no TimescaleDB: materialized views refreshed by route rollup-refresh)");

    private final String folder;
    private final String description;

    SchemaMode(String folder, String description) {
        this.folder = folder;
        this.description = description;
    }

    public String folder() {
        return folder;
    }

    public String describe() {
        return description;
    }
}
