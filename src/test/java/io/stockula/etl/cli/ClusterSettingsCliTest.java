package io.stockula.etl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Clustering needs a shared target: `run` with stockula.cluster.enabled and no --db exits 2 with one sentence. */
class ClusterSettingsCliTest {

    @Test
    void clusterWithoutATargetDatabaseExits2BeforeStartingAnything() {
        CliHarness.Result r = CliHarness.run("run", "-D", "stockula.cluster.enabled=true", "-D", "stockula.db.url=");
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().lines().filter(l -> l.startsWith("error: ")).toList()).containsExactly("error: "
                + "stockula.cluster.enabled = true: needs a target database that every runtime shares (stockula.db.url"
                + " / --db): the embedded default belongs to one process");
    }
}
