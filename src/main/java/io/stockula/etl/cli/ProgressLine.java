package io.stockula.etl.cli;

import io.stockula.etl.source.sqlite.TableProgress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Live progress: a rewritten line on a terminal (rows, rows/s, ETA per table), a log line every 5 s otherwise. */
final class ProgressLine {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLine.class);

    private final boolean terminal;
    private long lastLog = System.nanoTime();
    private int lastLength;

    ProgressLine(boolean terminal) {
        this.terminal = terminal;
    }

    void update(List<TableProgress> tables) {
        String line = render(tables);
        if (terminal) {
            System.out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            System.out.flush();
            lastLength = line.length();
        } else if (System.nanoTime() - lastLog > 5_000_000_000L) {
            LOG.info("progress: {}", line);
            lastLog = System.nanoTime();
        }
    }

    void finish(List<TableProgress> tables) {
        if (terminal) {
            update(tables);
            System.out.println();
        }
    }

    static String render(List<TableProgress> tables) {
        StringBuilder sb = new StringBuilder();
        for (TableProgress t : tables) {
            if (t.read() == 0 && t.sourceRows == 0) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(" | ");
            }
            double rate = t.rowsPerSecond();
            long left = Math.max(0, t.sourceRows - t.read());
            sb.append(t.table).append(' ').append(t.read()).append('/').append(t.sourceRows);
            if (left > 0 && rate > 0) {
                sb.append(String.format(" %.0f rows/s ETA %ds", rate, (long) (left / rate)));
            } else if (left == 0) {
                sb.append(" done");
            }
        }
        return sb.toString();
    }
}
