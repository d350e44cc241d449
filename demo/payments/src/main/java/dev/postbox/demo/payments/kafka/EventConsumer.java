package dev.postbox.demo.payments.kafka;

import dev.postbox.demo.payments.DemoConfig;
import dev.postbox.demo.payments.DemoStats;
import dev.postbox.demo.payments.account.AccountService;
import dev.postbox.demo.payments.ledger.ComplianceArchive;
import dev.postbox.demo.payments.ledger.LedgerEvent;
import dev.postbox.demo.payments.ledger.LedgerPosting;
import dev.postbox.demo.payments.ledger.LedgerRejectedException;
import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.ProcessingDeadException;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the relayed outbox events from Kafka and hands each one to an {@code @Idempotent} consumer:
 * {@code outbox.event.Account} to {@link LedgerPosting}, {@code outbox.event.ComplianceReport} to
 * {@link ComplianceArchive}. Offsets are committed after each batch.
 *
 * <p>To show deduplication, the consumer behaves as if it crashed after processing and before committing on the
 * first batch that brings new records and then on every {@code postbox.demo.consumer.redeliver-every}-th such
 * batch: it seeks back to the committed offsets, so Kafka delivers the same records again. The inbox absorbs them
 * (one ledger posting per event id). Starting with the first batch makes sure every run shows a redelivery, however
 * the relay happens to batch the events; a batch of records already seen is never rewound (no endless loop).
 */
@ApplicationScoped
public class EventConsumer {

    public static final String ACCOUNT_TOPIC = "outbox.event.Account";
    public static final String COMPLIANCE_TOPIC = "outbox.event.ComplianceReport";
    public static final String GROUP = "payments-ledger";
    private static final Logger LOG = Logger.getLogger(EventConsumer.class.getName());
    private static final JsonProvider JSON = JsonProvider.provider();

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    @Inject
    DemoConfig config;

    @Inject
    DemoStats stats;

    @Inject
    LedgerPosting ledger;

    @Inject
    ComplianceArchive compliance;

    /** Highest offset handled per partition, to tell redeliveries apart (only touched by the consumer thread). */
    private final Map<TopicPartition, Long> highestSeen = new HashMap<>();
    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    /** Called by {@link ConsumerStarter} once the web application has started. */
    void start() {
        String bootstrap = config.kafkaBootstrapServers().orElse(null);
        if (bootstrap == null) {
            LOG.warning("No Kafka configured (" + DemoConfig.KAFKA + "): the ledger consumer does not run");
            return;
        }
        running = true;
        thread = threads.newThread(() -> run(bootstrap));
        thread.setName("payments-kafka-consumer");
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(Duration.ofSeconds(10).toMillis());
        }
    }

    /** Consumes until stopped; an unexpected failure closes the consumer and starts a new one after a pause. */
    private void run(String bootstrap) {
        while (running) {
            try {
                consume(bootstrap);
            } catch (WakeupException e) {
                if (running) {
                    LOG.log(Level.SEVERE, "Kafka consumer woken up unexpectedly; starting a new one in 2 s", e);
                }
            } catch (RuntimeException e) {
                // e.g. a class load that failed while Payara closed the application's jars at the end of its start
                LOG.log(Level.SEVERE, "Kafka consumer failed; starting a new one in 2 s (uncommitted records are"
                        + " delivered again and absorbed by the inbox)", e);
            }
            if (running) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        LOG.info("Kafka consumer stopped");
    }

    private void consume(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "payments-ledger-consumer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20");
        int redeliverEvery = config.redeliverEvery();
        long batchesWithNewRecords = 0;
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer = c;
            c.subscribe(List.of(ACCOUNT_TOPIC, COMPLIANCE_TOPIC));
            LOG.info("Kafka consumer (group " + GROUP + ") reading " + ACCOUNT_TOPIC + " and " + COMPLIANCE_TOPIC
                    + " from " + bootstrap + "; simulated crash before commit every "
                    + (redeliverEvery > 0 ? redeliverEvery + " batches" : "never"));
            while (running) {
                ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                boolean anyNew = false;
                for (ConsumerRecord<String, String> record : records) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    Long highest = highestSeen.get(tp);
                    boolean redelivered = highest != null && record.offset() <= highest;
                    anyNew |= !redelivered;
                    highestSeen.merge(tp, record.offset(), Math::max);
                    stats.recordConsumed(redelivered);
                    handle(record, redelivered);
                }
                if (anyNew) {
                    batchesWithNewRecords++;
                }
                if (anyNew && redeliverEvery > 0 && (batchesWithNewRecords - 1) % redeliverEvery == 0) {
                    rewind(c, records.partitions(), records.count());
                } else {
                    c.commitSync();
                }
            }
        } finally {
            consumer = null;
        }
    }

    /** What a crash between processing and committing looks like to Kafka: the batch is delivered again. */
    private void rewind(KafkaConsumer<String, String> c, Set<TopicPartition> partitions, int count) {
        Map<TopicPartition, OffsetAndMetadata> committed = c.committed(partitions);
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata offset = committed.get(tp);
            if (offset != null) {
                c.seek(tp, offset.offset());
            } else {
                c.seekToBeginning(List.of(tp));
            }
        }
        stats.consumerCrashSimulated();
        LOG.info("Simulated a consumer crash before commit: the last " + count
                + " record(s) will be delivered again (the inbox must absorb them)");
    }

    private void handle(ConsumerRecord<String, String> record, boolean redelivered) {
        String id = header(record, "id");
        String type = header(record, "type");
        try {
            JsonObject payload;
            try (JsonReader reader = JSON.createReader(new StringReader(record.value()))) {
                payload = reader.readObject();
            }
            if (record.topic().equals(ACCOUNT_TOPIC)) {
                ledger.post(new LedgerEvent(id, type, payload.getString("accountId"),
                        payload.getJsonNumber("amount").longValueExact(), payload.getString("reference", "")));
            } else if (type != null && type.equals(AccountService.LARGE_DEPOSIT_REPORTED)) {
                compliance.archive(new LedgerEvent(id, type, payload.getString("accountId"),
                        payload.getJsonNumber("amount").longValueExact(), payload.getString("depositId", "")));
            }
        } catch (LedgerRejectedException | ProcessingDeadException e) {
            // the inbox keeps the record as DEAD with the reason; a person replays it from the console (/payments/postbox/)
            LOG.warning("Event " + id + " (" + type + ", " + record.topic() + "@" + record.offset()
                    + ") is DEAD in the inbox: " + e.getMessage() + " -> replay it from the console once fixed");
        } catch (DuplicateInProgressException e) {
            // a retry of the same event runs right now (scheduler); nothing to do for this delivery
            LOG.fine(() -> "Event " + id + " is being processed elsewhere right now; delivery skipped");
        } catch (Exception e) {
            stats.consumerError();
            LOG.log(Level.WARNING, "Event " + id + " (" + type + ", " + record.topic() + "@" + record.offset()
                    + (redelivered ? ", redelivered" : "") + ") failed in the consumer; moving on", e);
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
