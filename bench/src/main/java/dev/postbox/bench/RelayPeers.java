package dev.postbox.bench;

import dev.postbox.testkit.KafkaBroker;
import dev.postbox.testkit.PostgresServer;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The relays a user would run instead of Postbox's, written fairly in the bench: each on its own database with the
 * shipped outbox table, each with the same producer settings as Postbox's Kafka sink (idempotent, acks=all,
 * linger 0), each counting the events it has had acknowledged.
 */
final class RelayPeers {

    private RelayPeers() {
    }

    /** A relay under test: how many events it has had acknowledged by Kafka so far. */
    interface Peer extends AutoCloseable {
        long acknowledged();

        PostgresServer.Database db();

        /** The Kafka topic an event of the given aggregate type goes to. */
        default String topic(String aggregateType) {
            return "outbox.event." + aggregateType;
        }
    }

    static KafkaProducer<String, String> producer(KafkaBroker kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /**
     * Embedded Debezium with the stock {@code io.debezium.transforms.outbox.EventRouter} SMT and a plain producer in
     * the change consumer, as Debezium's documentation shows it: every record of a batch is sent, then the batch
     * waits for all acknowledgements and marks the records processed. Same connector settings as Postbox's relay
     * where they matter for speed (pgoutput, poll.interval.ms=10, max.batch.size=2048); offsets in a file.
     */
    static final class DebeziumEventRouter implements Peer {
        private final PostgresServer.Database db;
        private final KafkaProducer<String, String> producer;
        private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
        private final ExecutorService executor = Executors.newSingleThreadExecutor();
        private final AtomicLong acked = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        DebeziumEventRouter(PostgresServer server, KafkaBroker kafka) throws Exception {
            db = server.createDatabase("bench_peer_dbz");
            db.execute(Sql.script("V1_1__postbox_outbox.sql"));
            producer = producer(kafka);
            Path offsets = Files.createTempFile("bench-dbz-peer", ".offsets");
            Properties p = new Properties();
            p.setProperty("name", "bench-dbz-peer");
            p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
            p.setProperty("offset.storage.file.filename", offsets.toString());
            p.setProperty("offset.flush.interval.ms", "60000");
            p.setProperty("database.hostname", db.host());
            p.setProperty("database.port", Integer.toString(db.port()));
            p.setProperty("database.dbname", db.name());
            p.setProperty("database.user", db.user());
            p.setProperty("database.password", db.password());
            p.setProperty("topic.prefix", "bench_dbz_peer");
            p.setProperty("plugin.name", "pgoutput");
            p.setProperty("slot.name", "bench_dbz_peer");
            p.setProperty("publication.name", "bench_dbz_peer");
            p.setProperty("publication.autocreate.mode", "filtered");
            p.setProperty("table.include.list", "public.outbox_event");
            p.setProperty("snapshot.mode", "no_data");
            p.setProperty("tombstones.on.delete", "false");
            p.setProperty("poll.interval.ms", "10");
            p.setProperty("max.batch.size", "2048");
            p.setProperty("max.queue.size", "8192");
            p.setProperty("transforms", "outbox");
            p.setProperty("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class)).using(p)
                    .notifying(this::handleBatch).build();
            executor.execute(engine);
        }

        private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            try {
                List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
                for (RecordChangeEvent<SourceRecord> event : records) {
                    SourceRecord r = event.record();
                    if (r == null || r.value() == null) {
                        continue;
                    }
                    ProducerRecord<String, String> out = new ProducerRecord<>(r.topic(),
                            r.key() == null ? null : r.key().toString(), r.value().toString());
                    for (Header h : r.headers()) {
                        out.headers().add(h.key(), String.valueOf(h.value()).getBytes(StandardCharsets.UTF_8));
                    }
                    sent.add(producer.send(out));
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get();
                    acked.incrementAndGet();
                }
                for (RecordChangeEvent<SourceRecord> event : records) {
                    committer.markProcessed(event);
                }
                committer.markBatchFinished();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failure.set(e);
                throw new IllegalStateException(e);
            }
        }

        @Override
        public long acknowledged() {
            if (failure.get() != null) {
                throw new IllegalStateException("the Debezium peer failed", failure.get());
            }
            return acked.get();
        }

        @Override
        public PostgresServer.Database db() {
            return db;
        }

        /** True once the connector streams (its slot is active). */
        boolean streaming() {
            return db.queryLong("select count(*) from pg_replication_slots where slot_name = 'bench_dbz_peer' "
                    + "and active") == 1;
        }

        @Override
        public void close() throws Exception {
            engine.close();
            executor.shutdown();
            executor.awaitTermination(30, TimeUnit.SECONDS);
            producer.close();
        }
    }

    /**
     * A polling relay of the kind gruelbox's transaction-outbox and jonasrutishauser's transactional-event use,
     * written fairly: one poller (order per aggregate needs one), each round in one transaction takes the oldest
     * rows with {@code SELECT … ORDER BY seq LIMIT n FOR UPDATE SKIP LOCKED}, sends them all, waits for every
     * acknowledgement, deletes them ("mark sent") and commits; it polls again at once while it finds rows and
     * every 10 ms (the same interval as the CDC relays' poll.interval.ms) when it finds none. The table is the
     * shipped one plus an insertion-order sequence, which polling needs for order.
     */
    static final class PollingRelay implements Peer {
        static final int BATCH = 1000;
        static final long IDLE_POLL_MILLIS = 10;
        private final PostgresServer.Database db;
        private final KafkaProducer<String, String> producer;
        private final Thread poller;
        private final AtomicLong acked = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean running = true;

        PollingRelay(PostgresServer server, KafkaBroker kafka) {
            db = server.createDatabase("bench_peer_poll");
            db.execute(Sql.script("V1_1__postbox_outbox.sql"), "alter table outbox_event add column seq bigserial",
                    "create index outbox_event_seq_idx on outbox_event (seq)");
            producer = producer(kafka);
            poller = new Thread(this::loop, "bench-polling-relay");
            poller.setDaemon(true);
            poller.start();
        }

        private void loop() {
            try (Connection c = db.dataSource().getConnection();
                    PreparedStatement select = c.prepareStatement("select id, aggregatetype, aggregateid, type, "
                            + "payload::text, headers::text from outbox_event order by seq limit " + BATCH
                            + " for update skip locked");
                    PreparedStatement delete = c.prepareStatement("delete from outbox_event where id = any (?)")) {
                c.setAutoCommit(false);
                while (running) {
                    List<Object> ids = new ArrayList<>();
                    List<Future<RecordMetadata>> sent = new ArrayList<>();
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            Object id = rs.getObject(1);
                            ids.add(id);
                            ProducerRecord<String, String> out = new ProducerRecord<>(topic(rs.getString(2)),
                                    rs.getString(3), rs.getString(5));
                            out.headers().add("id", id.toString().getBytes(StandardCharsets.UTF_8));
                            out.headers().add("type", rs.getString(4).getBytes(StandardCharsets.UTF_8));
                            sent.add(producer.send(out));
                        }
                    }
                    if (ids.isEmpty()) {
                        c.commit();
                        Thread.sleep(IDLE_POLL_MILLIS);
                        continue;
                    }
                    for (Future<RecordMetadata> f : sent) {
                        f.get();
                    }
                    Array array = c.createArrayOf("uuid", ids.toArray());
                    delete.setArray(1, array);
                    delete.executeUpdate();
                    c.commit();
                    acked.addAndGet(ids.size());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                if (running) {
                    failure.set(e);
                }
            }
        }

        @Override
        public long acknowledged() {
            if (failure.get() != null) {
                throw new IllegalStateException("the polling relay failed", failure.get());
            }
            return acked.get();
        }

        @Override
        public PostgresServer.Database db() {
            return db;
        }

        @Override
        public void close() throws Exception {
            running = false;
            poller.join(10_000);
            producer.close();
        }
    }
}
