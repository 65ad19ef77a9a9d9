package io.stockula.etl.source.sqlite;

import io.stockula.etl.cli.SourceUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteOpenMode;

/**
 * A Stockula SQLite file, opened read-only (Stockula may keep writing to it). Checks up front that it is a
 * readable, unlocked SQLite database, and reads which of the Stockula tables it has and their columns:
 * the schema is detected, never taken from alembic_version (which is empty in real files).
 */
public final class SqliteSource {

    /** The alias under which readers select each row's rowid: the position the checkpoints record. */
    public static final String ROWID = "_rowid_";

    private final Path path;
    private final SQLiteDataSource dataSource;

    private SqliteSource(Path path, SQLiteDataSource dataSource) {
        this.path = path;
        this.dataSource = dataSource;
    }

    public static SqliteSource open(Path file, int busyTimeoutMillis) {
        Path path = file.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new SourceUnavailableException("SQLite file not found: " + path, null);
        }
        if (!Files.isReadable(path) || Files.isDirectory(path)) {
            throw new SourceUnavailableException("SQLite file not readable: " + path, null);
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] header = in.readNBytes(16);
            if (header.length < 16 || !new String(header, 0, 15, StandardCharsets.US_ASCII).equals("SQLite format 3")) {
                throw new SourceUnavailableException("not a SQLite database (bad header): " + path, null);
            }
        } catch (IOException e) {
            throw new SourceUnavailableException("cannot read " + path + ": " + e.getMessage(), e);
        }
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        cfg.setOpenMode(SQLiteOpenMode.READONLY);
        cfg.setBusyTimeout(busyTimeoutMillis);
        SQLiteDataSource ds = new SQLiteDataSource(cfg);
        ds.setUrl("jdbc:sqlite:" + path);
        SqliteSource source = new SqliteSource(path, ds);
        source.check();
        return source;
    }

    /** Touches the schema and the last page of every table we read: a locked or truncated file fails here. */
    private void check() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA quick_check(1)")) {
                String result = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equalsIgnoreCase(result)) {
                    throw new SourceUnavailableException("SQLite file is corrupt (" + result + "): " + path, null);
                }
            }
        } catch (SQLException e) {
            throw new SourceUnavailableException("cannot read SQLite file " + path + ": " + firstLine(e.getMessage()), e);
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).replace("[SQLITE_", "[");
    }

    public Path path() {
        return path;
    }

    /** The identity checkpoints and rejected records carry: sqlite:/absolute/path. */
    public String id() {
        return "sqlite:" + path;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Stockula tables present in the file, with their columns (lower case). */
    public Map<String, Set<String>> tables() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            Set<String> present = new TreeSet<>();
            try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    present.add(rs.getString(1));
                }
            }
            for (String table : SourceMappings.ALL.keySet()) {
                if (present.contains(table)) {
                    Set<String> cols = new TreeSet<>();
                    try (ResultSet rs = st.executeQuery("PRAGMA table_info(\"" + table + "\")")) {
                        while (rs.next()) {
                            cols.add(rs.getString("name").toLowerCase());
                        }
                    }
                    out.put(table, cols);
                }
            }
        } catch (SQLException e) {
            throw new SourceUnavailableException("cannot read the tables of " + path + ": " + firstLine(e.getMessage()), e);
        }
        return out;
    }

    public long count(String table) {
        return Long.parseLong(scalar(table, "count(*)"));
    }

    /** The highest updated_at now in the table ('' when none): where following changed rows starts. */
    public String maxUpdatedAt(String table) {
        return scalar(table, "coalesce(max(updated_at), '')");
    }

    private String scalar(String table, String expression) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + expression + " FROM \"" + table + "\"")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new SourceUnavailableException("cannot read " + table + " in " + path + ": " + firstLine(e.getMessage()), e);
        }
    }
}
