package io.stockula.etl.load;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/** Streams rows into a {@code COPY ... FROM STDIN} in text format, in 64 KB chunks. */
public final class CopyWriter implements AutoCloseable {

    private static final int CHUNK_CHARS = 1 << 16;

    private final CopyIn copy;
    private final List<Column> columns;
    private final StringBuilder buf = new StringBuilder(CHUNK_CHARS + 4096);
    private long rows;

    public CopyWriter(Connection c, String copySql, List<Column> columns) throws SQLException {
        this.copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        this.columns = columns;
    }

    /** Writes one row: the values in column order, then any extra trailing values (e.g. a source rowid). */
    public void write(Object[] values, Object... extra) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                buf.append('\t');
            }
            CopyText.append(buf, values[i], columns.get(i).type());
        }
        for (Object e : extra) {
            buf.append('\t');
            CopyText.append(buf, e, e instanceof Number ? ColumnType.BIGINT : ColumnType.TEXT);
        }
        buf.append('\n');
        rows++;
        if (buf.length() >= CHUNK_CHARS) {
            flush();
        }
    }

    private void flush() throws SQLException {
        byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        buf.setLength(0);
    }

    /** Ends the COPY; returns the rows the server took. */
    public long finish() throws SQLException {
        if (buf.length() > 0) {
            flush();
        }
        return copy.endCopy();
    }

    public long rows() {
        return rows;
    }

    @Override
    public void close() throws SQLException {
        if (copy.isActive()) {
            copy.cancelCopy();
        }
    }
}
