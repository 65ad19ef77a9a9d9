package io.stockula.etl.ops;

import io.stockula.etl.config.KafkaSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work topic's consumer group as metrics (route {@code kafka-group-health}): the requests waiting
 * ({@code stockula_kafka_consumer_lag{topic,group}}: end offsets minus committed ones, summed over partitions; the
 * same figure from every runtime), the partitions this runtime owns ({@code stockula_kafka_partitions_owned{topic}},
 * by its consumers' client id, which is its instance id) and the group's members. Kafka unreachable: the gauges keep
 * their last value and {@code stockula_kafka_up} goes to 0.
 */
public final class KafkaGroupHealth implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaGroupHealth.class);

    private final KafkaSettings kafka;
    private final EtlMetrics metrics;
    private final String runtime;
    private Admin admin;
    private boolean failing;

    public KafkaGroupHealth(KafkaSettings kafka, EtlMetrics metrics, String runtime) {
        this.kafka = kafka;
        this.metrics = metrics;
        this.runtime = runtime;
    }

    /** Updates the gauges; returns the lag (or -1 when Kafka did not answer). */
    public synchronized long probe() {
        if (!kafka.enabled()) {
            return -1;
        }
        String topic = kafka.topic();
        String group = kafka.groupId();
        try {
            if (admin == null) {
                admin = Admin.create(kafka.adminProperties());
            }
            TopicDescription t = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            t.partitions().forEach(pi -> {
                latest.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, pi.partition()), OffsetSpec.earliest());
            });
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(earliest).all()
                    .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                long from = c != null ? c.offset() : starts.get(e.getKey()).offset();
                lag += Math.max(0, e.getValue().offset() - from);
            }
            ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
                    .get(group);
            long owned = 0;
            for (MemberDescription m : g.members()) {
                if (runtime.equals(m.clientId())) {
                    owned += m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic)).count();
                }
            }
            metrics.gauge("stockula.kafka.consumer.lag", "Requests on the Yahoo work topic not yet done (committed)",
                    lag, "topic", topic, "group", group);
            metrics.gauge("stockula.kafka.partitions.owned", "Partitions of the Yahoo work topic this runtime consumes",
                    owned, "topic", topic);
            metrics.gauge("stockula.kafka.group.members", "Consumers in the work topic's group (all runtimes)",
                    g.members().size(), "group", group);
            metrics.gauge("stockula.kafka.up", "1 when Kafka answered the last probe", 1);
            failing = false;
            return lag;
        } catch (Exception e) {
            metrics.gauge("stockula.kafka.up", "1 when Kafka answered the last probe", 0);
            if (!failing) {
                LOG.warn("Kafka group probe failed (the gauges keep their last values until it answers): {}", e.toString());
            }
            failing = true;
            return -1;
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
