package io.stockula.etl.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL server of the test's own (the zonky embedded binaries the runtime uses for its default), on a
 * fixed port and data directory, so that the test can stop it and start it again under a running command.
 */
public final class RestartablePostgres implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    private RestartablePostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Creates the cluster in {@code dataDir} on a free port, starts it and creates database {@code stockula}. */
    public static RestartablePostgres start(Path dataDir) throws IOException, SQLException {
        RestartablePostgres pg = new RestartablePostgres(dataDir, freePort());
        pg.start();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres")); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE stockula");
        }
        return pg;
    }

    public synchronized void start() throws IOException {
        if (server == null) {
            server = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port).start();
        }
    }

    /** Stops the server (fast shutdown: open connections are cut, uncommitted transactions roll back). */
    public synchronized void stop() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public String jdbcUrl() {
        return jdbcUrl("stockula");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
