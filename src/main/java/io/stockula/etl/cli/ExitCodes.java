package io.stockula.etl.cli;

import io.stockula.etl.config.DatabaseUnavailableException;
import io.stockula.etl.config.Secrets;
import io.stockula.etl.ops.KafkaFailure;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Exit codes, and the rule that a failure ends with one line on stderr naming its cause; the stack trace goes to
 * the log file (logger {@code stockula.details}), and to stderr too with {@code --verbose}.
 */
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
    /** an unexpected exception: a bug (or an unforeseen environment); the stack trace is in the log file */
    public static final int INTERNAL = 5;
    /** the Kafka cluster of stockula.kafka.* cannot be reached or refuses us (credentials, missing topic) */
    public static final int KAFKA = 6;

    private static final Logger DETAILS = LoggerFactory.getLogger("stockula.details");
    private static volatile boolean verbose;

    private ExitCodes() {
    }

    /** {@code --verbose}: debug logging of our classes, and stack traces on stderr. */
    public static void verbose() {
        verbose = true;
        Configurator.setLevel("io.stockula", Level.DEBUG);
    }

    public static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        int code = codeOf(e);
        DETAILS.error("{} failed (exit {})", cmd.getCommandName(), code, e);
        String line = "error: " + Secrets.redact(describe(e));
        if (code == INTERNAL) {
            line += " (internal error: the stack trace is in " + logFile() + ")";
        }
        cmd.getErr().println(line);
        if (verbose || (parseResult != null && parseResult.hasMatchedOption("--verbose"))) {
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            cmd.getErr().print(Secrets.redact(trace.toString()));
            cmd.getErr().flush();
        }
        return code;
    }

    static int codeOf(Throwable e) {
        if (e instanceof DatabaseUnavailableException || e instanceof org.flywaydb.core.api.FlywayException) {
            return DATABASE; // the target refuses (the schema cannot be applied: permissions, a failed migration)
        }
        if (e instanceof SourceUnavailableException) {
            return SOURCE;
        }
        if (e instanceof JobIncompleteException) {
            return INCOMPLETE;
        }
        if (KafkaFailure.find(e) != null) {
            return KAFKA;
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof io.stockula.etl.source.sqlite.SourceBusyException) {
                return INCOMPLETE; // another process is writing the same source into the target: nothing done, run later
            }
        }
        if (e instanceof IllegalArgumentException || e instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return INTERNAL;
    }

    /** Where the log file is (log4j2.properties: -Dstockula.log.file, $STOCKULA_LOG_FILE, ~/.stockula-etl/logs). */
    public static String logFile() {
        String f = System.getProperty("stockula.log.file", System.getenv("STOCKULA_LOG_FILE"));
        return f != null ? f : System.getProperty("user.home") + "/.stockula-etl/logs/stockula-etl.log";
    }

    /** The first line of the message, followed by its root cause when the message does not already say it. */
    public static String describe(Throwable e) {
        if (KafkaFailure.find(e) != null) {
            return KafkaFailure.describe(e);
        }
        String msg = oneLine(e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && !msg.contains(oneLine(root))) {
            boolean nameless = root instanceof java.nio.file.FileSystemException || root instanceof java.net.UnknownHostException;
            msg += ": " + (root.getMessage() != null && nameless ? root.getClass().getSimpleName() + " " : "") + oneLine(root);
        }
        return msg;
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
