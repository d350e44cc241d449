package dev.postbox.relay;

import static org.assertj.core.api.Assertions.fail;

import dev.postbox.common.Backoff;
import dev.postbox.testkit.KafkaBroker;
import dev.postbox.testkit.MariaDbServer;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Real PostgreSQL, MariaDB and Kafka for the relay's tests, plus small helpers. No mocks. */
final class RelayTestSupport {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    private RelayTestSupport() {
    }

    /** A fresh database with the outbox table (outbox module's DDL) and the relay's tables. */
    static PostgresServer.Database database(String prefix) {
        PostgresServer.Database db = PostgresServer.shared().createDatabase(prefix);
        db.execute(outboxDdl(), relayDdl());
        return db;
    }

    /** A fresh MariaDB database (the JVM's one server) with the MariaDB outbox table and relay tables. */
    static MariaDbServer.Database mariaDatabase(String prefix) {
        // "m_": names differ from the PostgreSQL databases' of the same JVM, and so do the Kafka topics named after them
        MariaDbServer.Database db = MariaDbServer.shared().createDatabase("m_" + prefix);
        db.execute(statements(read(Path.of("../outbox/src/main/resources/db/mariadb/postbox/V1_1__postbox_outbox.sql"))));
        db.execute(statements(resource("/db/mariadb/postbox/V1_3__postbox_relay.sql")));
        return db;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new IllegalStateException(path + " not found (tests run from the module directory)", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = RelayTestSupport.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A MariaDB script as single statements (JDBC runs one at a time): comments dropped, split at ';'. */
    static String[] statements(String script) {
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\\R")) {
            if (!line.trim().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(sql.toString().split(";")).map(String::trim).filter(t -> !t.isEmpty())
                .toArray(String[]::new);
    }

    static boolean isMariaDb(TestDatabase db) {
        return "mariadb".equals(db.product());
    }

    static String outboxDdl() {
        try {
            return Files.readString(Path.of("../outbox/src/main/resources/db/postbox/V1_1__postbox_outbox.sql"));
        } catch (IOException e) {
            throw new IllegalStateException("outbox DDL not found (tests run from the module directory)", e);
        }
    }

    static String relayDdl() {
        try (InputStream in = RelayTestSupport.class.getResourceAsStream("/db/postbox/V1_3__postbox_relay.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A relay builder with test-friendly timings; the slot is named after the (unique) database. */
    static OutboxRelay.Builder relay(TestDatabase db) {
        OutboxRelay.Builder builder = OutboxRelay.builder();
        if (isMariaDb(db)) {
            builder.debeziumProperty("database.ssl.mode", "disable"); // the test server has no TLS
        }
        return builder
                .jdbc(db.jdbcUrl(), db.user(), db.password())
                .slotName(db.name())
                .publicationName("pub_" + db.name())
                .pollInterval(Duration.ofMillis(10))
                .offsetFlushInterval(Duration.ofMillis(200))
                .heartbeatInterval(Duration.ofSeconds(1))
                .standbyRetryInterval(Duration.ofMillis(200))
                .backoff(backoff(Duration.ofMillis(50), Duration.ofSeconds(1)));
    }

    /** The relay's default factor (2) and jitter (0.2) with other delays. */
    static Backoff backoff(Duration initialDelay, Duration maxDelay) {
        return new Backoff(initialDelay, maxDelay, 2.0, 0.2);
    }

    static OutboxRelay.Builder kafkaRelay(TestDatabase db) {
        return relay(db).kafka(KafkaBroker.shared().bootstrapServers()).topicPattern(db.name() + ".${aggregatetype}");
    }

    /** Inserts one outbox row in its own transaction; payload {"seq": n}. */
    static UUID insert(TestDatabase db, String aggregateType, String aggregateId, int seq) {
        return insert(db, aggregateType, aggregateId, "Seq", "{\"seq\": " + seq + "}", "{}");
    }

    static UUID insert(TestDatabase db, String aggregateType, String aggregateId, String type,
            String payload, String headers) {
        UUID id = UUID.randomUUID();
        boolean mariaDb = isMariaDb(db);
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into outbox_event (id, aggregatetype, aggregateid, type, payload, headers) "
                        + (mariaDb ? "values (?, ?, ?, ?, ?, ?)" : "values (?, ?, ?, ?, ?::jsonb, ?::jsonb)"))) {
            if (mariaDb) {
                ps.setString(1, id.toString());
            } else {
                ps.setObject(1, id);
            }
            ps.setString(2, aggregateType);
            ps.setString(3, aggregateId);
            ps.setString(4, type);
            ps.setString(5, payload);
            ps.setString(6, headers);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    /**
     * Inserts {@code perAggregate} events for each of {@code aggregates} aggregates of type {@code type}, interleaved,
     * in transactions of {@code perTransaction} rows; payload seq counts 1.. per aggregate.
     */
    static void insertMany(TestDatabase db, String type, int aggregates, int perAggregate, int perTransaction) {
        boolean mariaDb = isMariaDb(db);
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into outbox_event (id, aggregatetype, aggregateid, type, payload) values (?, ?, ?, 'Seq', "
                        + (mariaDb ? "?)" : "?::jsonb)"))) {
            c.setAutoCommit(false);
            int inTx = 0;
            for (int seq = 1; seq <= perAggregate; seq++) {
                for (int a = 0; a < aggregates; a++) {
                    if (mariaDb) {
                        ps.setString(1, UUID.randomUUID().toString());
                    } else {
                        ps.setObject(1, UUID.randomUUID());
                    }
                    ps.setString(2, type);
                    ps.setString(3, "a-" + a);
                    ps.setString(4, "{\"seq\": " + seq + "}");
                    ps.addBatch();
                    if (++inTx == perTransaction) {
                        ps.executeBatch();
                        c.commit();
                        inTx = 0;
                    }
                }
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitState(OutboxRelay relay, RelayStatus.State state) {
        await("relay " + state, () -> relay.status().state() == state);
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    static KafkaConsumer<String, String> consumer(String... topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topics));
        return consumer;
    }

    /** Polls until at least {@code count} records arrived (or fails after the timeout). */
    static List<ConsumerRecord<String, String>> consume(KafkaConsumer<String, String> consumer, int count,
            List<ConsumerRecord<String, String>> into) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (into.size() < count) {
            if (System.nanoTime() > deadline) {
                fail("timed out: " + into.size() + " of " + count + " records arrived");
            }
            consumer.poll(Duration.ofMillis(100)).forEach(into::add);
        }
        return into;
    }

    /** Reads whatever arrives within the given quiet period. */
    static List<ConsumerRecord<String, String>> drain(KafkaConsumer<String, String> consumer, Duration quiet,
            List<ConsumerRecord<String, String>> into) {
        long until = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < until) {
            consumer.poll(Duration.ofMillis(100)).forEach(into::add);
        }
        return into;
    }

    static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static final java.util.regex.Pattern SEQ = java.util.regex.Pattern.compile("\"seq\":\\s*(\\d+)");

    static int seq(ConsumerRecord<String, String> r) {
        java.util.regex.Matcher m = SEQ.matcher(r.value());
        if (!m.find()) {
            throw new IllegalStateException("no seq in " + r.value());
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * Checks that each key's sequence is 1..n in order once duplicates are dropped, where a duplicate is a
     * re-delivery of an already seen seq (allowed: at least once). Returns the number of duplicates.
     */
    static int assertInOrderPerKey(List<ConsumerRecord<String, String>> records, int keys, int perKey) {
        Map<String, List<Integer>> byKey = sequencesByKey(records);
        org.assertj.core.api.Assertions.assertThat(byKey).hasSize(keys);
        int duplicates = 0;
        for (Map.Entry<String, List<Integer>> e : byKey.entrySet()) {
            int highest = 0;
            for (int seq : e.getValue()) {
                if (seq <= highest) {
                    duplicates++; // a redelivery replays a suffix: it never skips ahead
                } else {
                    org.assertj.core.api.Assertions.assertThat(seq).as("next seq of " + e.getKey()).isEqualTo(highest + 1);
                    highest = seq;
                }
            }
            org.assertj.core.api.Assertions.assertThat(highest).as("last seq of " + e.getKey()).isEqualTo(perKey);
        }
        return duplicates;
    }

    static Map<String, List<Integer>> sequencesByKey(List<ConsumerRecord<String, String>> records) {
        Map<String, List<Integer>> result = new java.util.TreeMap<>();
        for (ConsumerRecord<String, String> r : records) {
            result.computeIfAbsent(r.topic() + "/" + r.key(), k -> new ArrayList<>()).add(seq(r));
        }
        return result;
    }
}
