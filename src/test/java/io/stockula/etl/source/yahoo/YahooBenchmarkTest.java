package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.TestDatabases;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Rerunnable benchmark (excluded from the normal build):
 * {@code mvn -Pbench test -Dtest=YahooBenchmarkTest [-Dbench.symbols=1000] [-Dbench.concurrency=2]
 * [-Dbench.rounds=2] [-Dbench.heap=256m]}.
 * Runs {@link YahooBenchmark} in a child JVM capped at {@code bench.heap}, so "the heap stayed under 256 MB" is
 * enforced by the JVM rather than inferred from samples: the run fails with an OutOfMemoryError otherwise.
 */
@Tag("bench")
class YahooBenchmarkTest {

    @Test
    void thousandSymbolsYearOfDailyBars() throws Exception {
        String symbols = System.getProperty("bench.symbols", "1000");
        String concurrency = System.getProperty("bench.concurrency", "2");
        String heap = System.getProperty("bench.heap", "256m");
        String rounds = System.getProperty("bench.rounds", "2");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError",
                "-Dlog4j2.configurationFile=log4j2-test.properties", "-cp", System.getProperty("java.class.path"),
                YahooBenchmark.class.getName(), TestDatabases.freshPostgres(), TestDatabases.freshPostgres(), symbols,
                concurrency, rounds));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> bench = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.contains("BENCH") || line.contains("OutOfMemory") || line.contains("ERROR")) {
                    System.out.println(line);
                    bench.add(line);
                }
            }
        }
        int exit = p.waitFor();
        assertThat(exit).as(String.join("\n", bench)).isZero();
        assertThat(bench).anyMatch(l -> l.contains("BENCH ratio"));
    }
}
