package io.stockula.etl.config;

import java.time.Duration;

/**
 * {@code stockula.kafka.*}: where the Yahoo work topic lives and how runtimes consume it. Kafka is on when
 * {@code bootstrap-servers} names a cluster; otherwise every request is pulled in the process that planned it.
 *
 * @param consumers    consumer threads per runtime; each does one request at a time, so this is the runtime's
 *                     share of the topic's partitions it can work at once (its pace stays the HTTP gate's)
 * @param partitions   partitions of the topic when the runtime creates it: the cluster's parallelism cap
 *                     (runtimes x consumers beyond it stand idle); can be raised later, never lowered
 * @param runTimeout   how long a run waits for all its requests to be accounted for before it ends failed
 * @param adoptPeriod  how often a runtime looks for runs whose planner is gone (their requests still pending)
 * @param security     TLS and SASL for every Kafka client of the runtime (its toString shows no secret)
 */
public record KafkaSettings(String bootstrapServers, String topic, String groupId, int partitions,
                            short replicationFactor, Duration retention, int consumers, Duration sessionTimeout,
                            Duration maxPollInterval, Duration runTimeout, Duration adoptPeriod,
                            Duration publishTimeout, KafkaSecurity security) {

    public static KafkaSettings from(EtlSettings s) {
        return new KafkaSettings(
                s.get("stockula.kafka.bootstrap-servers", "").trim(),
                s.get("stockula.kafka.topic", "stockula.yahoo.requests"),
                s.get("stockula.kafka.group-id", "stockula-etl"),
                s.getInt("stockula.kafka.partitions", 36),
                (short) s.getInt("stockula.kafka.replication-factor", 1),
                s.getDuration("stockula.kafka.retention", Duration.ofDays(7)),
                s.getInt("stockula.kafka.consumers", 3),
                s.getDuration("stockula.kafka.session-timeout", Duration.ofSeconds(10)),
                s.getDuration("stockula.kafka.max-poll-interval", Duration.ofMinutes(15)),
                s.getDuration("stockula.kafka.run-timeout", Duration.ofHours(6)),
                s.getDuration("stockula.kafka.adopt-period", Duration.ofSeconds(30)),
                s.getDuration("stockula.kafka.publish-timeout", Duration.ofMinutes(2)),
                KafkaSecurity.from(s));
    }

    /** Properties every Kafka client of the runtime gets (brokers, security): admin clients start from these. */
    public java.util.Properties adminProperties() {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("request.timeout.ms", 5000);
        p.put("default.api.timeout.ms", 10000);
        p.putAll(security.clientProperties());
        return p;
    }

    public boolean enabled() {
        return !bootstrapServers.isEmpty();
    }

    /** What the settings check refuses (exit 2), or null. */
    public String problem() {
        if (!enabled()) {
            return null;
        }
        if (partitions < 1) {
            return "stockula.kafka.partitions must be at least 1 (it is " + partitions + ")";
        }
        if (consumers < 1) {
            return "stockula.kafka.consumers must be at least 1 (it is " + consumers + ")";
        }
        if (replicationFactor < 1) {
            return "stockula.kafka.replication-factor must be at least 1 (it is " + replicationFactor + ")";
        }
        if (topic.isBlank() || !topic.matches("[a-zA-Z0-9._-]+")) {
            return "stockula.kafka.topic must be a Kafka topic name (letters, digits, '.', '_', '-'): '" + topic + "'";
        }
        return security.problem();
    }
}
