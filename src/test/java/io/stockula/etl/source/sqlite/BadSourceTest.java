package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A missing, corrupt, truncated or locked SQLite file, or an unreachable target: one line, non-zero, nothing committed. */
class BadSourceTest {

    @TempDir
    Path dir;

    record Outcome(int code, String err) {
    }

    private static Outcome migrate(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 1];
            all[0] = "migrate";
            System.arraycopy(args, 0, all, 1, args.length);
            return new Outcome(StockulaEtl.execute(all), buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    private static String errorLine(Outcome o) {
        return o.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("(no error line) " + o.err());
    }

    @Test
    void missingFile() {
        Outcome o = migrate("--sqlite", dir.resolve("nope.db").toString(), "--db", TestDatabases.freshPostgres());
        assertThat(o.code()).isEqualTo(4);
        assertThat(errorLine(o)).isEqualTo("error: SQLite file not found: " + dir.resolve("nope.db"));
    }

    @Test
    void notADatabase() throws Exception {
        Path f = dir.resolve("notes.db");
        Files.writeString(f, "this is a text file, not SQLite\n".repeat(100));
        Outcome o = migrate("--sqlite", f.toString(), "--db", TestDatabases.freshPostgres());
        assertThat(o.code()).isEqualTo(4);
        assertThat(errorLine(o)).contains("not a SQLite database");
    }

    @Test
    void truncatedFileCommitsNothing() throws Exception {
        Path f = dir.resolve("truncated.db");
        StockulaDbGenerator.generate(f, 20, 400, false, 5);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
        String url = TestDatabases.freshPostgres();
        Outcome o = migrate("--sqlite", f.toString(), "--db", url);
        assertThat(o.code()).isEqualTo(4);
        assertThat(errorLine(o)).contains(f.toString()).doesNotContain("\n");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM price_history) + (SELECT count(*) FROM stocks)")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void lockedFile() throws Exception {
        Path f = dir.resolve("locked.db");
        StockulaDbGenerator.generate(f, 3, 20, false, 5);
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + f); Statement st = writer.createStatement()) {
            st.execute("PRAGMA locking_mode = EXCLUSIVE");
            st.execute("BEGIN EXCLUSIVE");
            st.execute("UPDATE stocks SET name = 'locked' WHERE symbol = 'AAPL'");
            Outcome o = migrate("--sqlite", f.toString(), "--db", TestDatabases.freshPostgres(),
                    "-D", "stockula.sqlite.busy-timeout=300");
            assertThat(o.code()).isEqualTo(4);
            assertThat(errorLine(o)).contains("locked");
            st.execute("ROLLBACK");
        }
    }

    @Test
    void unreachableTarget() throws Exception {
        Path f = dir.resolve("ok.db");
        StockulaDbGenerator.generate(f, 3, 20, false, 5);
        Outcome o = migrate("--sqlite", f.toString(), "--db", "jdbc:postgresql://127.0.0.1:1/stockula?user=postgres");
        assertThat(o.code()).isEqualTo(3);
        assertThat(errorLine(o)).startsWith("error: cannot connect to target database jdbc:postgresql://127.0.0.1:1/stockula")
                .contains("Connection");
    }
}
