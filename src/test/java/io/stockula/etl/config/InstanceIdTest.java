package io.stockula.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceIdTest {

    @Test
    void configuredIdWins() {
        EtlSettings s = EtlSettings.load(null, Map.of("stockula.instance-id", " etl-2 "), Map.of());
        assertThat(InstanceId.of(s)).isEqualTo("etl-2");
    }

    @Test
    void emptyMeansHostAndPid() {
        EtlSettings s = EtlSettings.load(null, Map.of(), Map.of());
        assertThat(InstanceId.of(s)).endsWith("-" + ProcessHandle.current().pid()).hasSizeGreaterThan(2);
        assertThat(InstanceId.hostAndPid("box", 42)).isEqualTo("box-42");
        assertThat(InstanceId.hostAndPid(" ", 42)).isEqualTo("localhost-42");
        // fits Quartz's VARCHAR(200) and a metric label: a very long host name is cut, the pid kept
        String id = InstanceId.hostAndPid("h".repeat(500), 123456);
        assertThat(id).hasSize(InstanceId.MAX_LENGTH).endsWith("h-123456");
    }

    @Test
    void twoRuntimesOnOneHostDiffer() {
        assertThat(InstanceId.hostAndPid("box", 1)).isNotEqualTo(InstanceId.hostAndPid("box", 2));
    }
}
