package io.stockula.etl.cli;

import io.stockula.etl.source.sqlite.TableProgress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live progress: on a terminal, a block of lines rewritten in place, one per table (rows, share, rows/s, ETA);
 * in a log, one line every 5 s.
 */
final class ProgressLine {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLine.class);

    private final boolean terminal;
    private long lastLog = System.nanoTime();
    private int linesShown;

    ProgressLine(boolean terminal) {
        this.terminal = terminal;
    }

    void update(List<TableProgress> tables) {
        List<String> lines = render(tables);
        if (terminal) {
            StringBuilder out = new StringBuilder();
            if (linesShown > 0) {
                out.append("\033[").append(linesShown).append('A'); // back to the top of the block
            }
            for (String line : lines) {
                out.append("\033[2K").append(line).append('\n');
            }
            System.out.print(out);
            System.out.flush();
            linesShown = lines.size();
        } else if (System.nanoTime() - lastLog > 5_000_000_000L) {
            LOG.info("progress: {}", String.join(" | ", lines));
            lastLog = System.nanoTime();
        }
    }

    void finish(List<TableProgress> tables) {
        if (terminal) {
            update(tables);
        }
    }

    static List<String> render(List<TableProgress> tables) {
        List<String> lines = new ArrayList<>();
        for (TableProgress t : tables) {
            if (t.read() == 0 && t.sourceRows == 0) {
                continue;
            }
            double rate = t.rowsPerSecond();
            long left = Math.max(0, t.sourceRows - t.read());
            StringBuilder sb = new StringBuilder(String.format("%-18s %,12d / %,d", t.table, t.read(), t.sourceRows));
            if (left == 0) {
                sb.append("  done");
            } else {
                sb.append(String.format("  %3.0f%%", 100.0 * t.read() / Math.max(1, t.sourceRows)));
                if (rate > 0) {
                    sb.append(String.format("  %,.0f rows/s  ETA %ds", rate, (long) (left / rate)));
                }
            }
            lines.add(sb.toString());
        }
        return lines;
    }
}
