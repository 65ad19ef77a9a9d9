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

    /** Safe defaults of the stack: every published port on the host's loopback, no JMX without authentication. */
    @Test
    void composePublishesOnLoopbackOnlyAndNoOpenJmx() throws Exception {
        java.util.List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("docker/docker-compose.yml"));
        java.util.List<String> published = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("ports:")) {
                for (int j = i + 1; j < lines.size() && lines.get(j).trim().matches("(- |#).*"); j++) {
                    if (lines.get(j).trim().startsWith("- ")) {
                        published.add(lines.get(j).trim().substring(2).replace("\"", ""));
                    }
                }
            }
        }
        assertThat(published).hasSize(5).allSatisfy(p -> assertThat(p).startsWith("127.0.0.1:"));
        String compose = String.join("\n", lines);
        assertThat(compose).doesNotContain("jmxremote.authenticate=false").contains("JDK_JAVA_OPTIONS: ${STOCKULA_JMX_OPTS:-}")
                .contains("CAMEL_MANAGEMENT_HOST: 0.0.0.0");
    }
}
