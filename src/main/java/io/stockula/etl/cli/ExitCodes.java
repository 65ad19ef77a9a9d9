package io.stockula.etl.cli;

import io.stockula.etl.config.DatabaseUnavailableException;
import io.stockula.etl.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Exit codes, and the rule that a failure ends with one line on stderr (the stack trace goes to the log). */
public final class ExitCodes {
    public static final int OK = 0;
    /** the job ran but did not finish its work (e.g. rows not accounted for) */
    public static final int INCOMPLETE = 1;
    /** bad options or configuration */
    public static final int USAGE = 2;
    /** the target database cannot be reached */
    public static final int DATABASE = 3;
    /** the source (SQLite file, Yahoo) cannot be read */
    public static final int SOURCE = 4;

    private static final Logger LOG = LoggerFactory.getLogger(ExitCodes.class);

    private ExitCodes() {
    }

    public static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        LOG.debug("command failed", e);
        cmd.getErr().println("error: " + Secrets.redact(oneLine(e)));
        if (e instanceof DatabaseUnavailableException) {
            return DATABASE;
        }
        if (e instanceof SourceUnavailableException) {
            return SOURCE;
        }
        if (e instanceof IllegalArgumentException) {
            return USAGE;
        }
        return INCOMPLETE;
    }

    public static String oneLine(Throwable e) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = e.getClass().getSimpleName();
        }
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
