package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.ChildCommand;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every table's reader starts at once, and a table drained at its first poll starts its changed-rows reader from
 * its own thread while `migrate` is still adding the others: before route creation was serialised this ended
 * with `error: ConcurrentModificationException` (Camel's RouteDefinitionHelper.validateUniqueIds) in 3 of 15
 * cold starts of this very file (0 of 15 since). Six cold starts, two at a time (the load widens the window).
 */
class ReaderStartRaceTest {

    @TempDir
    Path dir;

    @Test
    void elevenTablesStartingTogetherRepeatedlyNeverFailAtStart() throws Exception {
        Path db = dir.resolve("small.db");
        StockulaDbGenerator.generate(db, 100, 30, false, 5);
        int failed = 0;
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<ChildCommand> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(ChildCommand.start(dir, "start-" + round + "-" + i, "migrate", "--sqlite", db.toString(),
                        "--db", TestDatabases.freshPostgres(), "--skip-rollups"));
            }
            for (ChildCommand run : runs) {
                try (run) {
                    int exit = run.waitFor(Duration.ofMinutes(2));
                    if (exit != 0) {
                        failed++;
                        failures.add("exit " + exit + " " + run.errorLines());
                    }
                }
            }
        }
        System.out.println("[measured] 6 cold starts of migrate, 2 at a time: " + failed + " failed " + failures);
        assertThat(failures).isEmpty();
    }
}
