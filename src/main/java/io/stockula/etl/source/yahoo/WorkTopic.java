package io.stockula.etl.source.yahoo;

import io.stockula.etl.config.KafkaSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Yahoo work topic, created by the first runtime that starts when it does not exist (clusters usually forbid
 * auto-creation, and its partition count matters): {@code stockula.kafka.partitions} partitions (the cap on how many
 * consumers work at once across the cluster), {@code replication-factor}, and a retention of
 * {@code stockula.kafka.retention}: a request older than that belongs to a run that has long timed out.
 */
final class WorkTopic {

    private static final Logger LOG = LoggerFactory.getLogger(WorkTopic.class);

    private WorkTopic() {
    }

    /** Creates the topic if missing; returns its partition count (the setting's when Kafka does not answer). */
    static int ensure(KafkaSettings k) {
        try (Admin admin = Admin.create(k.adminProperties())) {
            NewTopic topic = new NewTopic(k.topic(), k.partitions(), k.replicationFactor()).configs(Map.of(
                    TopicConfig.RETENTION_MS_CONFIG, String.valueOf(k.retention().toMillis()),
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
            try {
                admin.createTopics(List.of(topic)).all().get(15, TimeUnit.SECONDS);
                LOG.info("Kafka topic {} created: {} partitions, replication {}, retention {}", k.topic(), k.partitions(),
                        k.replicationFactor(), k.retention());
                return k.partitions();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            int n = admin.describeTopics(List.of(k.topic())).allTopicNames().get(15, TimeUnit.SECONDS)
                    .get(k.topic()).partitions().size();
            if (n != k.partitions()) {
                LOG.warn("Kafka topic {} has {} partitions, stockula.kafka.partitions says {}: requests are spread over {}",
                        k.topic(), n, k.partitions(), n);
            }
            return n;
        } catch (ExecutionException e) {
            LOG.warn("Kafka topic {} not checked ({}): the consumers wait for it", k.topic(),
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        } catch (Exception e) {
            LOG.warn("Kafka at {} not reachable yet ({}): the consumers keep trying", k.bootstrapServers(), e.toString());
        }
        return k.partitions();
    }
}
