package io.stockula.etl.ops;

import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Reports the target database on {@code /observe/health} (and feeds the stockula_database_up gauge). */
public final class DatabaseHealthCheck extends AbstractHealthCheck {

    private final DataSource dataSource;
    private final EtlMetrics metrics;
    /** Where the database is and why it failed; null: not shown (the endpoint may be reachable by others). */
    private final String description;

    public DatabaseHealthCheck(DataSource dataSource, EtlMetrics metrics, String description) {
        super("stockula", "database");
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.description = description;
    }

    @Override
    public boolean isReadiness() {
        return true;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /** Checks the database and updates the gauge; true when it answers. */
    public boolean probe() {
        try (Connection c = dataSource.getConnection()) {
            boolean up = c.isValid(3);
            metrics.gauge("stockula.database.up", "1 when the target database answers", up ? 1 : 0);
            return up;
        } catch (Exception e) {
            metrics.gauge("stockula.database.up", "1 when the target database answers", 0);
            return false;
        }
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (description != null) {
            builder.detail("database", description);
        }
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid(3)) {
                metrics.gauge("stockula.database.up", "1 when the target database answers", 1);
                builder.up();
                return;
            }
            builder.message("connection not valid");
        } catch (Exception e) {
            builder.message(description == null ? "target database not reachable"
                    : io.stockula.etl.config.Secrets.redact(e.getMessage()));
        }
        metrics.gauge("stockula.database.up", "1 when the target database answers", 0);
        builder.down();
    }
}
