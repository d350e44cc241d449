package dev.postbox.fault.support;

import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.ProcessingDeferredException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A Kafka consumer that hands every record to the inbox: {@code process} (run the handler now) or {@code receive}
 * (record it; the inbox scheduler runs the handler). It never skips a record: a failure (database away, key in
 * progress elsewhere, retry deferred) is retried until the inbox has the message. Every arrival is recorded with
 * its broker timestamp, so duplicates can be counted and attributed; a duplicate is a second Kafka record of the same
 * event (another offset), whereas the same record read again is a redelivery.
 */
public final class InboxConsumer implements Delivered, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(InboxConsumer.class.getName());

    public enum Mode { PROCESS, RECEIVE }

    private final KafkaConsumer<String, String> consumer;
    private final Inbox inbox;
    private final Mode mode;
    private final Thread poller;
    private final ExecutorService workers;
    private final BlockingQueue<ConsumerRecord<String, String>> queue = new LinkedBlockingQueue<>();
    private final Map<UUID, List<Long>> arrivals = new ConcurrentHashMap<>();
    private final Set<String> positions = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Long> firstOffsets = new ConcurrentHashMap<>();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private volatile boolean running = true;

    public InboxConsumer(String bootstrap, Collection<String> topics, Inbox inbox, Mode mode, int workerCount) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "fault-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000"); // notice topics created while running
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.copyOf(topics));
        this.inbox = inbox;
        this.mode = mode;
        this.workers = Executors.newFixedThreadPool(workerCount, r -> {
            Thread t = new Thread(r, "fault-consumer-worker");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < workerCount; i++) {
            workers.execute(this::work);
        }
        this.poller = new Thread(this::poll, "fault-consumer-poll");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        while (running) {
            try {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    if (positions.add(r.topic() + "/" + r.partition() + "/" + r.offset())) {
                        records.incrementAndGet();
                        UUID id = UUID.fromString(header(r, "id"));
                        arrivals.computeIfAbsent(id, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                                .add(r.timestamp());
                        firstOffsets.putIfAbsent(id, r.offset());
                    } else {
                        // the same Kafka record again (e.g. the consumer rejoined its group from the start after
                        // an outage): not a duplicate in Kafka, but handed to the inbox again all the same
                        redelivered.incrementAndGet();
                    }
                    queue.add(r);
                }
            } catch (org.apache.kafka.common.errors.WakeupException | org.apache.kafka.common.errors.InterruptException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warning("consumer poll failed, polling again: " + e);
                    Await.sleep(200);
                }
            }
        }
    }

    private void work() {
        while (running) {
            ConsumerRecord<String, String> r;
            try {
                r = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (r == null) {
                continue;
            }
            String id = header(r, "id");
            while (running) {
                try {
                    if (mode == Mode.PROCESS) {
                        inbox.process(Consumers.SCOPE, id, r.value(), String.class);
                    } else {
                        inbox.receive(Consumers.SCOPE, id, r.value());
                    }
                    handled.incrementAndGet();
                    break;
                } catch (DuplicateInProgressException | ProcessingDeferredException e) {
                    retries.incrementAndGet(); // the same id in another worker, or a retry not yet due
                    Await.sleep(20);
                } catch (RuntimeException | AssertionError e) {
                    // e.g. the database is restarting: keep the record, try again. (AssertionError: pgjdbc asserts,
                    // under -ea only, in code paths where the server closed the connection.)
                    retries.incrementAndGet();
                    LOG.fine(() -> "inbox refused " + id + " for now: " + e);
                    Await.sleep(200);
                }
            }
        }
    }

    static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Every arrival per event id: the broker timestamps of each copy, in arrival order. */
    @Override
    public Map<UUID, List<Long>> arrivals() {
        return arrivals;
    }

    /** Offset of the first copy of an event in its partition (events of one aggregate share a partition). */
    public Long firstOffset(UUID id) {
        return firstOffsets.get(id);
    }

    public boolean seen(UUID id) {
        return arrivals.containsKey(id);
    }

    public long seenCount(Collection<UUID> ids) {
        return ids.stream().filter(arrivals::containsKey).count();
    }

    /** Distinct Kafka records received (topic, partition, offset). */
    @Override
    public long records() {
        return records.get();
    }

    /** Records handed to the inbox successfully (redeliveries included). */
    public long handled() {
        return handled.get();
    }

    /** Kafka records the consumer received more than once (same topic, partition and offset). */
    @Override
    public long redelivered() {
        return redelivered.get();
    }

    public long retries() {
        return retries.get();
    }

    /** True when every record that arrived was handed to the inbox. */
    @Override
    public boolean idle() {
        return queue.isEmpty() && handled.get() == records.get() + redelivered.get();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            poller.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
        workers.shutdownNow();
    }
}
