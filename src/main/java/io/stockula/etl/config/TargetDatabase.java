package io.stockula.etl.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target PostgreSQL/TimescaleDB behind a HikariCP pool. With no URL configured it starts (or joins) the
 * embedded default: a PostgreSQL 17 with a persistent data directory, so that the first command a newcomer
 * runs works on a bare machine.
 */
public final class TargetDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TargetDatabase.class);

    private final HikariDataSource pool;
    private final EmbeddedPostgres embedded;
    private final String safeUrl;

    private TargetDatabase(HikariDataSource pool, EmbeddedPostgres embedded, String safeUrl) {
        this.pool = pool;
        this.embedded = embedded;
        this.safeUrl = safeUrl;
    }

    public static TargetDatabase open(EtlSettings settings, MeterRegistry metrics) {
        String url = settings.get("stockula.db.url");
        EmbeddedPostgres embedded = null;
        String user = settings.get("stockula.db.user");
        String password = password(settings);
        if (url != null) {
            Secrets.register(Secrets.passwordParameter(url));
            // jdbc:postgresql://user:password@host/db is not understood by the driver: take the credentials out
            java.util.regex.Matcher userInfo = USER_INFO.matcher(url);
            if (userInfo.find()) {
                String[] cred = userInfo.group(1).split(":", 2);
                user = decode(cred[0]);
                password = cred.length > 1 ? decode(cred[1]) : password;
                Secrets.register(cred.length > 1 ? cred[1] : null);
                url = url.substring(0, userInfo.start()) + "//" + url.substring(userInfo.end());
            }
        }
        Secrets.register(password);
        if (url == null) {
            int port = settings.getInt("stockula.embedded.port", 54329);
            Path dir = Path.of(settings.get("stockula.embedded.data-dir",
                    System.getProperty("user.home") + "/.stockula-etl/pgdata"));
            if (listening(port)) {
                LOG.info("No database configured: joining the embedded PostgreSQL already running on 127.0.0.1:{} (data {})",
                        port, dir);
            } else {
                embedded = startEmbedded(dir, port);
                LOG.info("No database configured: started embedded PostgreSQL 17 on 127.0.0.1:{} with data in {} "
                        + "(set STOCKULA_DB_URL or --db to use your own PostgreSQL/TimescaleDB)", port, dir);
            }
            url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            user = user == null ? "postgres" : user;
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("unsupported database URL (expected jdbc:postgresql://...): " + redact(url));
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("target");
        cfg.setJdbcUrl(url);
        if (user != null) {
            cfg.setUsername(user);
        }
        if (password != null) {
            cfg.setPassword(password);
        }
        cfg.setMaximumPoolSize(settings.getInt("stockula.db.pool-size", 6));
        cfg.setMinimumIdle(1);
        cfg.setConnectionTimeout(settings.getDuration("stockula.db.connect-timeout", java.time.Duration.ofSeconds(10)).toMillis());
        // fail fast with the driver's own message rather than a pool timeout when the database is down
        cfg.setInitializationFailTimeout(1);
        cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
        cfg.addDataSourceProperty("ApplicationName", "stockula-etl");
        if (metrics != null) {
            cfg.setMetricRegistry(metrics);
        }
        try {
            HikariDataSource ds = new HikariDataSource(cfg);
            return new TargetDatabase(ds, embedded, redact(url));
        } catch (RuntimeException e) {
            if (embedded != null) {
                closeQuietly(embedded);
            }
            throw new DatabaseUnavailableException("cannot connect to target database " + redact(url) + ": "
                    + Secrets.redact(rootMessage(e)), e);
        }
    }

    private static final java.util.regex.Pattern USER_INFO = java.util.regex.Pattern.compile("//([^/@?]*)@");

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String password(EtlSettings settings) {
        String file = settings.get("stockula.db.password-file");
        if (file != null) {
            try {
                return Files.readString(Path.of(file)).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the database password file " + file + ": " + e.getMessage());
            }
        }
        return settings.get("stockula.db.password");
    }

    private static EmbeddedPostgres startEmbedded(Path dir, int port) {
        try {
            Files.createDirectories(dir.getParent());
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
        } catch (IOException e) {
            throw new DatabaseUnavailableException("cannot start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The URL without credentials, for logs and messages. */
    public static String redact(String url) {
        return Secrets.redact(url);
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        if (c instanceof java.net.UnknownHostException) {
            return "unknown host " + c.getMessage();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    public DataSource dataSource() {
        return pool;
    }

    public String url() {
        return safeUrl;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            closeQuietly(embedded);
        }
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
