package io.stockula.etl.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TimescaleDB test lane: a PostgreSQL wire-protocol server backed by PGlite + TimescaleDB
 * ({@code src/test/tsdb/tsdb-server.mjs}), started once per test JVM.
 *
 * <pre>{@code
 * @BeforeAll
 * static void lane() {
 *     Assumptions.assumeTrue(TimescaleLane.available(), "node is not installed");
 * }
 * ...
 * try (Connection c = DriverManager.getConnection(TimescaleLane.jdbcUrl())) { ... }
 * }</pre>
 *
 * <p>If the system property {@code tsdb.url} or the environment variable {@code TSDB_URL} is set, that
 * JDBC URL is used and nothing is started (e.g. a server started by {@code .ci/run}, or a real TimescaleDB).
 *
 * <p>All connections share one backend session: keep transactions short, give each test its own tables,
 * and do not hold a transaction open on one connection while waiting for another (see
 * {@code shared/notes/timescaledb-test-lane.md}).
 */
public final class TimescaleLane {

    /** System property holding a JDBC URL to use instead of starting the bridge. */
    public static final String URL_PROPERTY = "tsdb.url";
    /** Environment variable holding a JDBC URL to use instead of starting the bridge. */
    public static final String URL_ENV = "TSDB_URL";

    private static final long READY_TIMEOUT_SECONDS = 60;
    private static final long NPM_CI_TIMEOUT_MINUTES = 10;
    private static final Pattern READY = Pattern.compile("^READY postgres://[^@]*@127\\.0\\.0\\.1:(\\d+)/.*$");
    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase().startsWith("windows");

    private static String url;
    private static RuntimeException startFailure;
    private static final AtomicReference<Process> PROCESS = new AtomicReference<>();
    private static Boolean nodeAvailable;

    private TimescaleLane() {
    }

    /**
     * JDBC URL of the TimescaleDB lane; starts the bridge on first use (once per JVM).
     *
     * @throws IllegalStateException if the bridge cannot be started (the same failure is rethrown on later calls)
     */
    public static synchronized String jdbcUrl() {
        String override = override();
        if (override != null) {
            return override;
        }
        if (url != null) {
            return url;
        }
        if (startFailure != null) {
            throw startFailure;
        }
        try {
            url = start();
            return url;
        } catch (RuntimeException e) {
            startFailure = e;
            throw e;
        }
    }

    /** True if the lane can be used: a URL override is set, or {@code node} is on the PATH. */
    public static synchronized boolean available() {
        if (override() != null) {
            return true;
        }
        if (nodeAvailable == null) {
            nodeAvailable = nodeWorks();
        }
        return nodeAvailable;
    }

    private static String override() {
        String v = System.getProperty(URL_PROPERTY);
        if (v == null || v.isBlank()) {
            v = System.getenv(URL_ENV);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static boolean nodeWorks() {
        try {
            Process p = new ProcessBuilder(WINDOWS ? "node.exe" : "node", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Finds src/test/tsdb from the Maven basedir (user.dir), or from one of its parents. */
    static Path serverDir() {
        Path start = Paths.get(System.getProperty("user.dir", ".")).toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            Path candidate = d.resolve("src").resolve("test").resolve("tsdb");
            if (Files.isRegularFile(candidate.resolve("tsdb-server.mjs"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find src/test/tsdb/tsdb-server.mjs above " + start);
    }

    private static String start() {
        Path dir = serverDir();
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            npmCi(dir);
        }
        Path logFile = dir.resolve("tsdb.log");
        Process p;
        try {
            Files.deleteIfExists(logFile);
            p = new ProcessBuilder(WINDOWS ? "node.exe" : "node", "tsdb-server.mjs", "0")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start node tsdb-server.mjs in " + dir, e);
        }
        PROCESS.set(p);
        Runtime.getRuntime().addShutdownHook(new Thread(TimescaleLane::stop, "tsdb-lane-stop"));

        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Deque<String> tail = new ArrayDeque<>();
        Thread drain = new Thread(() -> drain(p, logFile, ready, tail), "tsdb-lane-output");
        drain.setDaemon(true);
        drain.start();

        long t0 = System.nanoTime();
        try {
            int port = ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            System.err.printf("[tsdb-lane] TimescaleDB lane on 127.0.0.1:%d (started in %d ms, log: %s)%n",
                    port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), logFile);
            return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&reWriteBatchedInserts=true";
        } catch (TimeoutException | ExecutionException e) {
            stop();
            String why = e instanceof TimeoutException
                    ? "no READY line within " + READY_TIMEOUT_SECONDS + " s"
                    : e.getCause().getMessage();
            throw new IllegalStateException("TimescaleDB lane did not start: " + why + "; output:\n" + tail(tail));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("interrupted while starting the TimescaleDB lane", e);
        }
    }

    private static void drain(Process p, Path logFile, CompletableFuture<Integer> ready, Deque<String> tail) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             PrintWriter out = new PrintWriter(log, true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (!ready.isDone()) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 40) {
                            tail.removeFirst();
                        }
                    }
                    Matcher m = READY.matcher(line);
                    if (m.matches()) {
                        ready.complete(Integer.parseInt(m.group(1)));
                    }
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IllegalStateException("tsdb-server.mjs exited"
                + (p.isAlive() ? "" : " with code " + exitCode(p))));
    }

    private static int exitCode(Process p) {
        try {
            p.waitFor(2, TimeUnit.SECONDS);
            return p.isAlive() ? -1 : p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String tail(Deque<String> tail) {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    private static void npmCi(Path dir) {
        System.err.println("[tsdb-lane] node_modules missing: running npm ci in " + dir);
        Path npmLog = dir.resolve("tsdb.log");
        try {
            Process p = new ProcessBuilder(WINDOWS ? "npm.cmd" : "npm", "ci", "--no-audit", "--no-fund")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(npmLog.toFile()))
                    .start();
            if (!p.waitFor(NPM_CI_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("npm ci timed out in " + dir);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("npm ci failed (exit " + p.exitValue() + ") in " + dir + ":\n"
                        + Files.readString(npmLog, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run npm ci in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during npm ci", e);
        }
    }

    /** Stops the bridge (SIGTERM, then kill after 5 s). Also runs as a JVM shutdown hook. */
    static void stop() {
        Process p = PROCESS.getAndSet(null);
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
