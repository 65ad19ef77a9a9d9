package io.stockula.etl.testsupport;

import io.stockula.etl.StockulaEtl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command of the runtime in a child JVM (so that a test can kill it, or watch it stop by itself). */
public final class ChildCommand implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;
    private final long startedNanos = System.nanoTime();
    private long endedNanos;

    private ChildCommand(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code java -cp <test classpath> StockulaEtl args...}; stdout and stderr go to files in {@code dir}. */
    public static ChildCommand start(Path dir, String name, String... args) throws IOException {
        return start(dir, name, List.of("-Xmx512m"), args);
    }

    /** As above, with these JVM options (e.g. a smaller heap for several runtimes side by side). */
    public static ChildCommand start(Path dir, String name, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StockulaEtl.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new ChildCommand(p, out, err);
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the exit; returns the exit code, or fails the test if it did not end within the timeout. */
    public int waitFor(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the command did not end within " + timeout + "; its log:\n" + tail());
        }
        endedNanos = System.nanoTime();
        return process.exitValue();
    }

    /** From start to exit (after {@link #waitFor}). */
    public Duration took() {
        return Duration.ofNanos(endedNanos - startedNanos);
    }

    public String stdout() throws IOException {
        return Files.readString(out);
    }

    public String stderr() throws IOException {
        return Files.readString(err);
    }

    /** The lines starting with "error: " that the command printed on stderr. */
    public List<String> errorLines() throws IOException {
        return stderr().lines().filter(l -> l.startsWith("error: ")).toList();
    }

    /** The last 60 lines of stdout and stderr, for a failing assertion. */
    public String tail() throws IOException {
        List<String> lines = new ArrayList<>(stdout().lines().toList());
        lines.addAll(stderr().lines().toList());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
