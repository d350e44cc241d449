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
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.concurrent.Callable;
import java.util.LinkedHashMap;
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
                KafkaProducer<String, byte[]> raw = rawProducer();
                RelayPeers.DebeziumEventRouter debezium = new RelayPeers.DebeziumEventRouter(server, kafka);
                RelayPeers.PollingRelay polling = new RelayPeers.PollingRelay(server, kafka)) {
            relay.start();
            awaitActive(relay);
            awaitStreaming(debezium);
            RelayPeers.Peer postbox = new RelayPeers.Peer() {
                @Override
                public long acknowledged() {
                    return relay.status().eventsRelayed();
                }

                @Override
                public PostgresServer.Database db() {
                    return db;
                }

                @Override
                public void close() {
                }
            };
            double rawRate = throughput(report, raw, postbox, debezium, polling, events, aggregates, rounds);
            decodingOnly(report, rawRate, events, aggregates, rounds);
            int lightEvents = quick ? 100 : 300;
            int heavyEvents = quick ? 2_000 : 5_000;
            latency(report, raw, postbox, debezium, polling, lightEvents, 25);
            latency(report, raw, postbox, debezium, polling, heavyEvents, 1_000);
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
            LongSupplier acked = () -> relay.status().eventsRelayed();
            burst(other, acked, "Noop", events / 4, aggregates);
            double[] rates = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                rates[r] = burst(other, acked, "Noop", events, aggregates);
            }
            report.add("relay: events/s with a sink that acknowledges at once", "raw producer", rawRate,
                    median(rates), Report.Goal.none(), "reading and routing the log alone");
        }
    }

    // ---- throughput: N events committed at once, until the last acknowledgement

    /** @return the raw producer's median rate */
    private double throughput(Report report, KafkaProducer<String, byte[]> raw, RelayPeers.Peer postbox,
            RelayPeers.Peer debezium, RelayPeers.Peer polling, int events, int aggregates, int rounds)
            throws Exception {
        List<String> names = List.of("raw", "postbox", "debezium", "polling");
        Map<String, Callable<Double>> bursts = new LinkedHashMap<>();
        bursts.put("raw", () -> rawBurst(raw, "bench.raw.burst", events, aggregates));
        bursts.put("postbox", () -> burst(postbox.db(), postbox::acknowledged, "Burst", events, aggregates));
        bursts.put("debezium", () -> burst(debezium.db(), debezium::acknowledged, "DbzBurst", events, aggregates));
        bursts.put("polling", () -> burst(polling.db(), polling::acknowledged, "PollBurst", events, aggregates));
        // warm-up (creates the topics, so that no measured burst pays for that)
        rawBurst(raw, "bench.raw.burst", events / 4, aggregates);
        burst(postbox.db(), postbox::acknowledged, "Burst", events / 4, aggregates);
        burst(debezium.db(), debezium::acknowledged, "DbzBurst", events / 4, aggregates);
        burst(polling.db(), polling::acknowledged, "PollBurst", events / 4, aggregates);
        Map<String, double[]> rates = new LinkedHashMap<>();
        names.forEach(n -> rates.put(n, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < names.size(); k++) { // rotate which goes first, so drift hits all
                String n = names.get((r + k) % names.size());
                rates.get(n)[r] = bursts.get(n).call();
            }
        }
        double rawRate = median(rates.get("raw"));
        double relayRate = median(rates.get("postbox"));
        String what = "relay: events/s, " + events + " committed at once -> Kafka ack, " + aggregates + " aggregates";
        report.add(what, "raw idempotent acks=all producer", rawRate, relayRate, Report.Goal.ratioAtLeast(0.6),
                "same records");
        report.add(what, "Debezium + EventRouter peer", median(rates.get("debezium")), relayRate,
                Report.Goal.ratioAtLeast(1.0), "");
        report.add(what, "polling relay (SKIP LOCKED)", median(rates.get("polling")), relayRate,
                Report.Goal.ratioAtLeast(2.0), "");
        report.add("relay peers: Debezium + EventRouter vs raw producer (events/s)", "raw producer", rawRate,
                median(rates.get("debezium")), Report.Goal.none(), "for reference");
        report.add("relay peers: polling relay vs raw producer (events/s)", "raw producer", rawRate,
                median(rates.get("polling")), Report.Goal.none(), "for reference; batches of "
                        + RelayPeers.PollingRelay.BATCH);
        return rawRate;
    }

    private double burst(PostgresServer.Database db, LongSupplier acknowledged, String aggregateType, int events,
            int aggregates) throws Exception {
        long before = acknowledged.getAsLong();
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (acknowledged.getAsLong() < before + events) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(aggregateType + ": not all of " + events + " events acknowledged in "
                        + "180 s (" + (acknowledged.getAsLong() - before) + ")");
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

    // ---- latency at a steady rate: commit (or send) -> a consumer in this JVM has it

    private void latency(Report report, KafkaProducer<String, byte[]> raw, RelayPeers.Peer postbox,
            RelayPeers.Peer debezium, RelayPeers.Peer polling, int events, int perSecond) throws Exception {
        Paced rawMs = rawLatencies(raw, events, perSecond);
        Paced relayMs = dbLatencies(postbox, "Latency", events, perSecond);
        Paced dbzMs = dbLatencies(debezium, "DbzLatency", events, perSecond);
        Paced pollMs = dbLatencies(polling, "PollLatency", events, perSecond);
        String at = perSecond + " events/s";
        String note = String.format(java.util.Locale.ROOT, "commit -> consumer, one event per transaction"
                + (perSecond >= 200 ? " from 4 writers" : "") + "; "
                + "achieved rates: postbox %.0f, Debezium %.0f, polling %.0f, raw %.0f events/s", relayMs.rate,
                dbzMs.rate, pollMs.rate, rawMs.rate);
        boolean light = perSecond <= 25;
        report.add("relay: latency p50 (ms), " + at, "raw producer (send -> consumer)", percentile(rawMs.ms, 0.5),
                percentile(relayMs.ms, 0.5), light ? Report.Goal.valueAtMost(15, "ms") : Report.Goal.none(), note);
        report.add("relay: latency p99 (ms), " + at, "raw producer (send -> consumer)", percentile(rawMs.ms, 0.99),
                percentile(relayMs.ms, 0.99), light ? Report.Goal.valueAtMost(40, "ms") : Report.Goal.none(), "");
        report.add("relay: latency p50 (ms), " + at, "Debezium + EventRouter peer", percentile(dbzMs.ms, 0.5),
                percentile(relayMs.ms, 0.5), Report.Goal.none(), "");
        report.add("relay: latency p99 (ms), " + at, "Debezium + EventRouter peer", percentile(dbzMs.ms, 0.99),
                percentile(relayMs.ms, 0.99), Report.Goal.none(), "");
        report.add("relay: latency p50 (ms), " + at, "polling relay (SKIP LOCKED)", percentile(pollMs.ms, 0.5),
                percentile(relayMs.ms, 0.5), Report.Goal.lower(), "");
        report.add("relay: latency p99 (ms), " + at, "polling relay (SKIP LOCKED)", percentile(pollMs.ms, 0.99),
                percentile(relayMs.ms, 0.99), Report.Goal.none(), "");
    }

    /** Latencies in ms, sorted, and the rate the writer achieved. */
    private record Paced(double[] ms, double rate) {
    }

    /** Aggregates the latency events spread over (-Dbench.relay.latencyAggregates, default 10). */
    private static final int LATENCY_AGGREGATES = Integer.getInteger("bench.relay.latencyAggregates", 10);

    /** Events before the measured ones (not counted): the topic and the consumer are warm when measuring. */
    private static final int WARM_EVENTS = 10;

    /**
     * Writes {@code events} events at {@code perSecond}, one per transaction; from 200 events/s on with four
     * writer threads (own connections, interleaved schedule), as one connection cannot commit 1,000 times a second
     * on a loaded machine.
     */
    private Paced dbLatencies(RelayPeers.Peer peer, String aggregateType, int events, int perSecond)
            throws Exception {
        Map<String, Long> committedAt = new ConcurrentHashMap<>();
        int writers = perSecond >= 200 ? 4 : 1;
        int total = events + WARM_EVENTS;
        long period = 1_000_000_000L / perSecond;
        try (Receiver receiver = new Receiver(peer.topic(aggregateType))) {
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (int w = 0; w < writers; w++) {
                int first = w;
                Thread t = new Thread(() -> {
                    try (Connection c = peer.db().dataSource().getConnection();
                            PreparedStatement insert = c.prepareStatement("insert into outbox_event (id, "
                                    + "aggregatetype, aggregateid, type, payload) values (?, ?, ?, 'Tick', ?::jsonb)")) {
                        c.setAutoCommit(false);
                        for (int i = first; i < total; i += writers) {
                            pace(start + i * period);
                            UUID id = UUID.randomUUID();
                            insert.setObject(1, id);
                            insert.setString(2, aggregateType);
                            insert.setString(3, "agg-" + (i % LATENCY_AGGREGATES));
                            insert.setString(4, "{\"seq\": " + i + ", \"pad\": \"" + PAD + "\"}");
                            insert.executeUpdate();
                            c.commit();
                            if (i >= WARM_EVENTS) {
                                committedAt.put(id.toString(), System.nanoTime());
                            }
                        }
                    } catch (Exception e) {
                        failure.set(e);
                    }
                }, "bench-writer-" + w);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            long end = System.nanoTime();
            if (failure.get() != null) {
                throw failure.get();
            }
            return new Paced(receiver.latencies(committedAt, events), total / ((end - start) / 1e9));
        }
    }

    private Paced rawLatencies(KafkaProducer<String, byte[]> raw, int events, int perSecond) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        int total = events + WARM_EVENTS;
        try (Receiver receiver = new Receiver("bench.raw.latency")) {
            long period = 1_000_000_000L / perSecond;
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                pace(start + i * period);
                UUID id = UUID.randomUUID();
                if (i >= WARM_EVENTS) {
                    sentAt.put(id.toString(), System.nanoTime());
                }
                raw.send(record("bench.raw.latency", "agg-" + (i % LATENCY_AGGREGATES), i, id));
            }
            long end = System.nanoTime();
            return new Paced(receiver.latencies(sentAt, events), total / ((end - start) / 1e9));
        }
    }

    private static void pace(long dueNanos) {
        long wait;
        while ((wait = dueNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
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

    private static void awaitStreaming(RelayPeers.DebeziumEventRouter peer) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!peer.streaming()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the Debezium peer did not start streaming in 60 s");
            }
            Thread.sleep(50);
        }
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
