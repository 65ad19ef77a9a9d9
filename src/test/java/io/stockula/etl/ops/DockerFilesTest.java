package io.stockula.etl.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * docker/ is validated without a container engine: docker/check.sh runs `docker-compose config`, `promtool check
 * rules`, `promtool test rules` and the dashboard checks. Skipped where those tools are missing (.ci/run installs them).
 */
class DockerFilesTest {

    private static boolean has(String tool) throws Exception {
        return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
    }

    @Test
    void composeFileAlertRulesAndDashboardsValidate() throws Exception {
        Assumptions.assumeTrue(has("docker-compose") && has("promtool"), "docker-compose or promtool not installed");
        Process p = new ProcessBuilder("bash", "docker/check.sh").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        System.out.println(out);
        assertThat(p.exitValue()).as(out).isZero();
    }
}
