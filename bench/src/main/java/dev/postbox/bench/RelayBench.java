package dev.postbox.bench;

import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.RelayStatus;
import dev.postbox.testkit.KafkaBroker;
import dev.postbox.testkit.PostgresServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Relay figures against a raw Kafka producer in the same JVM: throughput from commit to acknowledgement, light-load
 * end-to-end latency, and heap over a sustained run.
 */
public final class RelayBench {

    private static final String PAD = "x".repeat(100);

    private final PostgresServer server;
    private final PostgresServer.Database db;
    private final KafkaBroker kafka;

    private final boolean quick;

    RelayBench(PostgresServer server, KafkaBroker kafka, boolean quick) {
        this.quick = quick;
        this.server = server;
        this.db = server.createDatabase("bench_relay");
        this.db.execute(Sql.script("V1_1__postbox_outbox.sql"), Sql.script("V1_3__postbox_relay.sql"));
        this.kafka = kafka;
    }

    void run(Report report, int events, int aggregates, int rounds, Duration sustained) throws Exception {
        try (OutboxRelay relay = tuned(OutboxRelay.builder().jdbc(db.jdbcUrl(), db.user(), db.password())
                .kafka(kafka.bootstrapServers())).build();
                KafkaProducer<String, byte[]> raw = rawProducer()) {
            relay.start();
            awaitActive(relay);
            double rawRate = throughput(report, relay, raw, events, aggregates, rounds);
            decodingOnly(report, rawRate, events, aggregates, rounds);
            latency(report, relay, raw, 300, 25);
            memory(report, relay, sustained);
        }
    }

    /**
     * The same bursts through a relay whose sink acknowledges at once: what reading the log costs by itself, so
     * the Kafka figure can be read against it.
     */
    private void decodingOnly(Report report, double rawRate, int events, int aggregates, int rounds)
            throws Exception {
        PostgresServer.Database other = server.createDatabase("bench_relay_noop");
        other.execute(Sql.script("V1_1__postbox_outbox.sql"), Sql.script("V1_3__postbox_relay.sql"));
        try (OutboxRelay relay = OutboxRelay.builder().jdbc(other.jdbcUrl(), other.user(), other.password())
                .slotName("postbox_bench_noop")
                .configure(tuning())
                .sink(event -> java.util.concurrent.CompletableFuture.completedFuture(null)).build()) {
            relay.start();
            awaitActive(relay);
            relayBurst(other, relay, "Warm", events / 4, aggregates);
            double[] rates = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                rates[r] = relayBurst(other, relay, "Noop" + r, events, aggregates);
            }
            report.add("relay: events/s with a sink that acknowledges at once", rawRate, median(rates), Report.Goal.none(),
                    "reading and routing the log alone; baseline: the raw producer above");
        }
    }

    // ---- throughput: N events committed at once, until the last acknowledgement

    /** @return the raw producer's median rate, the baseline */
    private double throughput(Report report, OutboxRelay relay, KafkaProducer<String, byte[]> raw, int events,
            int aggregates, int rounds) throws Exception {
        relayBurst(db, relay, "Warm", events / 4, aggregates);
        rawBurst(raw, "bench.raw.warm", events / 4, aggregates);
        double[] relayRates = new double[rounds];
        double[] rawRates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            // alternate which goes first, so drift hits both
            if (r % 2 == 0) {
                rawRates[r] = rawBurst(raw, "bench.raw." + r, events, aggregates);
                relayRates[r] = relayBurst(db, relay, "Burst" + r, events, aggregates);
            } else {
                relayRates[r] = relayBurst(db, relay, "Burst" + r, events, aggregates);
                rawRates[r] = rawBurst(raw, "bench.raw." + r, events, aggregates);
            }
        }
        report.add("relay: events/s, " + events + " committed at once -> Kafka ack", median(rawRates),
                median(relayRates), Report.Goal.ratioAtLeast(0.6), "baseline: raw idempotent acks=all producer, same records; "
                        + aggregates + " aggregates");
        return median(rawRates);
    }

    private double relayBurst(PostgresServer.Database db, OutboxRelay relay, String aggregateType, int events,
            int aggregates) throws Exception {
        long before = relay.status().eventsRelayed();
        long start;
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement insert = c.prepareStatement("insert into outbox_event (id, aggregatetype, "
                        + "aggregateid, type, payload) select gen_random_uuid(), ?, 'agg-' || (i % ?), 'Tick', "
                        + "jsonb_build_object('seq', i, 'pad', ?::text) from generate_series(1, ?) i")) {
            c.setAutoCommit(false);
            insert.setString(1, aggregateType);
            insert.setInt(2, aggregates);
            insert.setString(3, PAD);
            insert.setInt(4, events);
            insert.executeUpdate();
            start = System.nanoTime();
            c.commit();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (relay.status().eventsRelayed() < before + events) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("relay did not relay " + events + " events in 120 s: " + relay.status());
            }
            Thread.sleep(1);
        }
        return events / ((System.nanoTime() - start) / 1e9);
    }

    private double rawBurst(KafkaProducer<String, byte[]> raw, String topic, int events, int aggregates)
            throws Exception {
        CountDownLatch acked = new CountDownLatch(events);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        for (int i = 1; i <= events; i++) {
            raw.send(record(topic, "agg-" + (i % aggregates), i, UUID.randomUUID()), (m, e) -> {
                if (e != null) {
                    failure.set(e);
                }
                acked.countDown();
            });
        }
        acked.await();
        if (failure.get() != null) {
            throw failure.get();
        }
        return events / ((System.nanoTime() - start) / 1e9);
    }

    // ---- latency at light load: commit (or send) -> a consumer in this JVM has it

    private void latency(Report report, OutboxRelay relay, KafkaProducer<String, byte[]> raw, int events,
            int perSecond) throws Exception {
        double[] relayMs = relayLatencies(events, perSecond);
        double[] rawMs = rawLatencies(raw, events, perSecond);
        report.add("relay: end-to-end latency p50 (ms), " + perSecond + " events/s", percentile(rawMs, 0.5),
                percentile(relayMs, 0.5), Report.Goal.valueAtMost(15, "ms"), "commit -> consumer; baseline send -> consumer");
        report.add("relay: end-to-end latency p99 (ms), " + perSecond + " events/s", percentile(rawMs, 0.99),
                percentile(relayMs, 0.99), Report.Goal.valueAtMost(40, "ms"), "");
    }

    private double[] relayLatencies(int events, int perSecond) throws Exception {
        Map<String, Long> committedAt = new ConcurrentHashMap<>();
        try (Receiver receiver = new Receiver("outbox.event.Latency")) {
            try (Connection c = db.dataSource().getConnection();
                    PreparedStatement insert = c.prepareStatement("insert into outbox_event (id, aggregatetype, "
                            + "aggregateid, type, payload) values (?, 'Latency', ?, 'Tick', ?::jsonb)")) {
                c.setAutoCommit(false);
                for (int i = 0; i < events; i++) {
                    UUID id = UUID.randomUUID();
                    insert.setObject(1, id);
                    insert.setString(2, "agg-" + (i % 10));
                    insert.setString(3, "{\"seq\": " + i + ", \"pad\": \"" + PAD + "\"}");
                    insert.executeUpdate();
                    c.commit();
                    committedAt.put(id.toString(), System.nanoTime());
                    Thread.sleep(1000 / perSecond);
                }
            }
            return receiver.latencies(committedAt, events);
        }
    }

    private double[] rawLatencies(KafkaProducer<String, byte[]> raw, int events, int perSecond) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        try (Receiver receiver = new Receiver("bench.raw.latency")) {
            for (int i = 0; i < events; i++) {
                UUID id = UUID.randomUUID();
                sentAt.put(id.toString(), System.nanoTime());
                raw.send(record("bench.raw.latency", "agg-" + (i % 10), i, id));
                Thread.sleep(1000 / perSecond);
            }
            return receiver.latencies(sentAt, events);
        }
    }

    /** A consumer thread recording when each event id arrived. */
    private final class Receiver implements AutoCloseable {
        private final Map<String, Long> receivedAt = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        Receiver(String topic) throws InterruptedException {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
            CountDownLatch assigned = new CountDownLatch(1);
            thread = new Thread(() -> {
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                        new StringDeserializer())) {
                    consumer.subscribe(List.of(topic));
                    while (running) {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(20))) {
                            long now = System.nanoTime();
                            receivedAt.putIfAbsent(new String(r.headers().lastHeader("id").value(),
                                    StandardCharsets.UTF_8), now);
                        }
                        if (!consumer.assignment().isEmpty()) {
                            assigned.countDown();
                        }
                    }
                }
            }, "bench-receiver");
            thread.setDaemon(true);
            thread.start();
            // the topic may not exist yet: give the group time to join before measuring
            assigned.await(5, TimeUnit.SECONDS);
        }

        double[] latencies(Map<String, Long> startedAt, int expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (receivedAt.keySet().containsAll(startedAt.keySet()) == false && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            double[] ms = startedAt.entrySet().stream().filter(e -> receivedAt.containsKey(e.getKey()))
                    .mapToDouble(e -> (receivedAt.get(e.getKey()) - e.getValue()) / 1e6).sorted().toArray();
            if (ms.length < expected) {
                throw new IllegalStateException("only " + ms.length + " of " + expected + " events arrived");
            }
            return ms;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    // ---- memory: heap after GC over a sustained run

    private void memory(Report report, OutboxRelay relay, Duration duration) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long sampleEvery = duration.toMillis() / 6;
        List<Long> samples = new ArrayList<>();
        long end = System.currentTimeMillis() + duration.toMillis();
        long nextSample = System.currentTimeMillis() + sampleEvery;
        long before = relay.status().eventsRelayed();
        int batch = 0;
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement insert = c.prepareStatement("insert into outbox_event (id, aggregatetype, "
                        + "aggregateid, type, payload) select gen_random_uuid(), 'Sustained', 'agg-' || (i % 50), "
                        + "'Tick', jsonb_build_object('seq', i, 'pad', ?::text) from generate_series(1, 100) i")) {
            insert.setString(1, PAD);
            while (System.currentTimeMillis() < end) {
                insert.executeUpdate(); // 100 events per transaction, ~1,000 events/s
                batch++;
                Thread.sleep(100);
                if (System.currentTimeMillis() >= nextSample) {
                    samples.add(usedAfterGc(memory));
                    nextSample += sampleEvery;
                }
            }
        }
        long expected = before + batch * 100L;
        long deadline = System.currentTimeMillis() + 60_000;
        while (relay.status().eventsRelayed() < expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        long first = samples.get(0);
        long last = samples.get(samples.size() - 1);
        long max = samples.stream().mapToLong(Long::longValue).max().orElse(last);
        report.add("relay: heap after GC (MiB), " + duration.toSeconds() + " s at ~1,000 events/s", first / 1048576.0,
                last / 1048576.0, Report.Goal.ratioAtMost(1.05), "first vs last of " + samples.size() + " samples, max "
                        + (max / 1048576) + " MiB; whole JVM incl. the in-process broker; " + (batch * 100)
                        + " events");
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        return memory.getHeapMemoryUsage().getUsed();
    }

    // ---- helpers

    /** Relay settings from -Dbench.relay.<key>=<value> (e.g. bench.relay.max-batch-size), for experiments. */
    private static Map<String, String> tuning() {
        Map<String, String> settings = new java.util.HashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.relay.set."))
                .forEach(k -> settings.put("postbox.relay." + k.substring("bench.relay.set.".length()),
                        System.getProperty(k)));
        return settings;
    }

    private static OutboxRelay.Builder tuned(OutboxRelay.Builder builder) {
        return builder.configure(tuning());
    }

    private KafkaProducer<String, byte[]> rawProducer() {
        // the relay's Kafka sink settings (see KafkaSink): idempotent, acks=all, linger 0
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, int seq, UUID id) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key,
                ("{\"seq\": " + seq + ", \"pad\": \"" + PAD + "\"}").getBytes(StandardCharsets.UTF_8));
        r.headers().add(new RecordHeader("id", id.toString().getBytes(StandardCharsets.UTF_8)));
        r.headers().add(new RecordHeader("type", "Tick".getBytes(StandardCharsets.UTF_8)));
        return r;
    }

    private static void awaitActive(OutboxRelay relay) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (relay.status().state() != RelayStatus.State.ACTIVE) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("relay did not become ACTIVE: " + relay.status());
            }
            Thread.sleep(50);
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static double percentile(double[] sorted, double p) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)];
    }
}
