package io.stockula.etl.quality;

import java.sql.SQLException;
import java.util.List;

/** One family of checks (completeness, accuracy, ...). Runs inside the run's read-only snapshot. */
public interface QualityCheck {

    /** Short name, used in logs and when the check fails as a whole. */
    String name();

    Dimension dimension();

    List<CheckResult> run(QualityContext ctx) throws SQLException;
}
