package io.stockula.etl.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a dead letter waits when the database cannot take it: one JSON line per letter, appended and forced to
 * disk, in a file of its own per target database ({@code dead-letters-<hash of the target>.jsonl} under
 * {@code stockula.dead-letters.spool-dir}). {@link #drain} moves the file aside, stores every line in one
 * transaction and deletes it; if the database fails again the lines stay for the next drain. The store drains
 * before each new dead letter, and the database probe whenever the database answers.
 */
public final class DeadLetterSpool {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSpool.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Path draining;

    public DeadLetterSpool(Path dir, String target) {
        String name = "dead-letters-" + Integer.toHexString(target.hashCode());
        this.file = dir.resolve(name + ".jsonl");
        this.draining = dir.resolve(name + ".draining");
    }

    public Path file() {
        return file;
    }

    /** Appends a letter (forced to disk before returning). */
    public synchronized void append(DeadLetterStore.Letter l) throws IOException {
        Files.createDirectories(file.getParent());
        Throwable e = l.error();
        Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("route_id", l.routeId());
        line.put("endpoint", l.endpoint());
        line.put("replay_uri", l.replayUri());
        line.put("category", l.category().name());
        line.put("attempts", l.attempts());
        line.put("exception_class", e == null ? null : e.getClass().getName());
        line.put("exception_message", e == null ? null : io.stockula.etl.config.Secrets.redact(String.valueOf(e.getMessage())));
        line.put("headers", l.headers());
        line.put("body", l.body());
        byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        }
    }

    /** Letters waiting in the spool. */
    public synchronized int pending() {
        return lines(file).size() + lines(draining).size();
    }

    /** Stores every spooled letter (one transaction); returns how many, 0 when none or the database is still away. */
    public synchronized int drain(DataSource dataSource) {
        if (!Files.exists(file) && !Files.exists(draining)) {
            return 0;
        }
        try {
            if (Files.exists(file)) {
                if (Files.exists(draining)) { // a drain that failed earlier: keep both, oldest first
                    Files.write(draining, Files.readAllBytes(file), StandardOpenOption.APPEND);
                    Files.delete(file);
                } else {
                    Files.move(file, draining, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            List<String> lines = lines(draining);
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    for (String line : lines) {
                        DeadLetterStore.insert(c, letter(line));
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
            Files.delete(draining);
            LOG.info("{} spooled dead letter(s) stored from {}", lines.size(), file);
            return lines.size();
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.debug("spooled dead letters not stored yet: {}", e.getMessage());
            return 0;
        }
    }

    private static DeadLetterStore.Letter letter(String line) {
        try {
            var n = JSON.readTree(line);
            String cls = n.path("exception_class").asText(null);
            String msg = n.path("exception_message").asText(null);
            Throwable error = cls == null ? null : new SpooledException(cls, msg);
            return new DeadLetterStore.Letter(n.path("route_id").asText(null), n.path("endpoint").asText(null),
                    n.path("replay_uri").asText(null), ErrorCategory.valueOf(n.path("category").asText("SYSTEM")),
                    n.path("attempts").asInt(1), error, n.path("headers").asText("{}"), n.path("body").asText(null));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable spool line: " + e.getMessage(), e);
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            return new ArrayList<>();
        }
    }

    /** The exception of a spooled letter: its class name and message as they were (the stack is in the log). */
    static final class SpooledException extends Exception {
        private final String originalClass;

        SpooledException(String originalClass, String message) {
            super(message, null, false, false);
            this.originalClass = originalClass;
        }

        String originalClass() {
            return originalClass;
        }
    }
}
