package dev.postbox.it.postbox.app;

import dev.postbox.inbox.InboxException;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Kafka consumer loop started with the application on a managed thread: every payment event the relay
 * published goes to {@link Ledger#book}, which is {@code @Idempotent} by the event id (Kafka header {@code id}).
 * Offsets are committed after each batch; a rewind (the test's way to cause redelivery, as a rebalance or a
 * crash before the commit would) starts again from the beginning of the topic.
 */
@ApplicationScoped
public class PaymentEventsConsumer {

    static final String TOPIC = "outbox.event.Payment";
    private static final Logger LOG = Logger.getLogger(PaymentEventsConsumer.class.getName());

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    @Inject
    @ConfigProperty(name = "it.kafka.bootstrap-servers")
    String bootstrapServers;

    @Inject
    Ledger ledger;

    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private volatile boolean rewind;
    private volatile KafkaConsumer<String, String> consumer;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        Thread thread = threads.newThread(this::loop);
        thread.setName("it-payment-events-consumer");
        thread.start();
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    public void rewind() {
        rewind = true;
    }

    public int deliveries(String eventId) {
        AtomicInteger count = deliveries.get(eventId);
        return count == null ? 0 : count.get();
    }

    private void loop() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-ledger");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer = c;
            c.subscribe(List.of(TOPIC));
            LOG.info("consuming " + TOPIC + " from " + bootstrapServers);
            while (running) {
                if (rewind && !c.assignment().isEmpty()) {
                    rewind = false;
                    c.seekToBeginning(c.assignment());
                    LOG.info("rewound " + c.assignment() + ": every event is delivered again");
                }
                for (ConsumerRecord<String, String> record : c.poll(Duration.ofMillis(200))) {
                    handle(record);
                }
                c.commitSync();
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "the consumer loop stopped", e);
        }
    }

    private void handle(ConsumerRecord<String, String> record) {
        String eventId = header(record, "id");
        try {
            ledger.book(eventId, header(record, "type"), record.key(), record.value());
        } catch (InboxException e) {
            // e.g. a scheduled retry of this event is running right now: the inbox has it, move on
            LOG.info("event " + eventId + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "event " + eventId + " failed", e);
        } finally {
            // counted once the call returned: a test that sees the count knows the delivery was handled
            deliveries.computeIfAbsent(eventId, id -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
