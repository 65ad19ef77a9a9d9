package io.stockula.etl.load;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams rows into {@code COPY ... FROM STDIN (FORMAT binary)}. Binary, because a double then travels as its
 * 8 bytes: exact by construction, and neither side spends CPU printing and parsing decimal text (that was the
 * largest cost of the text format on both the JVM and PostgreSQL).
 */
public final class CopyWriter implements AutoCloseable {

    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final int CHUNK = 1 << 16;
    private static final long PG_EPOCH_SECONDS = 946_684_800L; // 2000-01-01T00:00:00Z
    private static final long PG_EPOCH_DAY = 10_957L;

    private final CopyIn copy;
    private final List<Column> columns;
    private byte[] buf = new byte[CHUNK + 1024];
    private int pos;
    private long rows;

    public CopyWriter(Connection c, String copySql, List<Column> columns) throws SQLException {
        this.copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        this.columns = columns;
        put(HEADER);
    }

    /** The COPY statement for a table and columns, in the format this writer speaks. */
    public static String copySql(String table, String columnList) {
        return "COPY " + table + " (" + columnList + ") FROM STDIN (FORMAT binary)";
    }

    /** Writes one row: the values in column order, then any extra trailing values (e.g. a source rowid, BIGINT). */
    public void write(Object[] values, Object... extra) throws SQLException {
        putShort(values.length + extra.length);
        for (int i = 0; i < values.length; i++) {
            field(values[i], columns.get(i).type());
        }
        for (Object e : extra) {
            field(e, e instanceof Number ? ColumnType.BIGINT : ColumnType.TEXT);
        }
        rows++;
        if (pos >= CHUNK) {
            flush();
        }
    }

    private void field(Object v, ColumnType type) {
        if (v == null) {
            putInt(-1);
            return;
        }
        switch (type) {
            case DOUBLE -> {
                putInt(8);
                putLong(Double.doubleToLongBits(((Number) v).doubleValue()));
            }
            case BIGINT -> {
                putInt(8);
                putLong(((Number) v).longValue());
            }
            case BOOLEAN -> {
                putInt(1);
                ensure(1);
                buf[pos++] = (byte) (((Boolean) v) ? 1 : 0);
            }
            case DATE -> {
                putInt(4);
                LocalDate d = v instanceof LocalDate ld ? ld : LocalDate.parse(v.toString());
                putInt((int) (d.toEpochDay() - PG_EPOCH_DAY));
            }
            case TIMESTAMPTZ -> {
                Instant t = v instanceof OffsetDateTime o ? o.toInstant()
                        : v instanceof Instant i ? i : OffsetDateTime.parse(v.toString()).toInstant();
                putInt(8);
                putLong((t.getEpochSecond() - PG_EPOCH_SECONDS) * 1_000_000L + t.getNano() / 1_000);
            }
            case JSONB -> {
                byte[] b = text(v);
                putInt(b.length + 1);
                ensure(1);
                buf[pos++] = 1; // jsonb binary format version
                put(b);
            }
            default -> {
                byte[] b = text(v);
                putInt(b.length);
                put(b);
            }
        }
    }

    private static byte[] text(Object v) {
        String s = v.toString();
        if (s.indexOf('\0') >= 0) {
            s = s.replace("\0", ""); // PostgreSQL text cannot hold NUL
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    private void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void putShort(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void putInt(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    private void flush() throws SQLException {
        copy.writeToCopy(buf, 0, pos);
        pos = 0;
    }

    /** Ends the COPY; returns the rows the server took. */
    public long finish() throws SQLException {
        putShort(-1);
        flush();
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
