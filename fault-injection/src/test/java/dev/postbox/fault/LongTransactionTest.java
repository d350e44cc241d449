package dev.postbox.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.fault.support.Await;
import dev.postbox.fault.support.Consumers;
import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.fault.support.ForkedRelay;
import dev.postbox.fault.support.InboxConsumer;
import dev.postbox.fault.support.Payloads;
import dev.postbox.fault.support.Producer;
import dev.postbox.fault.support.Relays;
import dev.postbox.fault.support.Verdict;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.RelayStatus;
import dev.postbox.testkit.KafkaBroker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Transactions that insert outbox rows and stay open while the relay restarts. Their rows are written to the log
 * early, the relay flushes an offset past them (other transactions commit meanwhile), and only then do they commit:
 * one while the relay is down, one after the next relay is streaming. Logical decoding hands a transaction over at
 * its commit, so both must still arrive although their inserts lie before the flushed position.
 */
class LongTransactionTest {

    /** How the relay goes away and comes back. */
    private interface Relay extends AutoCloseable {
        /** Stops (or kills) the relay, runs {@code whileDown}, starts a new one and waits until it streams. */
        void restart(Runnable whileDown);

        @Override
        void close();
    }

    @Test
    void transactionsOpenAcrossAGracefulRelayRestartStillArrive() throws Exception {
        run("long transaction across a relay restart", (db, bootstrap) -> new Relay() {
            OutboxRelay current = start();

            OutboxRelay start() {
                OutboxRelay r = Relays.builder(db, bootstrap).build();
                r.start();
                Await.until("relay ACTIVE", () -> r.status().state() == RelayStatus.State.ACTIVE);
                return r;
            }

            @Override
            public void restart(Runnable whileDown) {
                current.stop();
                whileDown.run();
                current = start();
            }

            @Override
            public void close() {
                current.stop();
            }
        });
    }

    @Test
    void transactionsOpenAcrossARelayKill9StillArrive() throws Exception {
        run("long transaction across a relay kill -9", (db, bootstrap) -> new Relay() {
            int n = 1;
            ForkedRelay current = start();

            ForkedRelay start() {
                ForkedRelay r = ForkedRelay.start(Relays.config(db, bootstrap), db.name() + "-relay-" + n++);
                Await.until("relay process streaming", () -> Relays.slotActive(db));
                return r;
            }

            @Override
            public void restart(Runnable whileDown) {
                current.kill();
                whileDown.run();
                current = start();
            }

            @Override
            public void close() {
                current.stop();
            }
        });
    }

    private interface RelayFactory {
        Relay start(FaultDatabase db, String bootstrap);
    }

    private static void run(String scenario, RelayFactory relays) throws Exception {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        FaultDatabase db = FaultDatabase.create("long_tx");
        String topic = Relays.topic(db, "Order");
        Relays.createTopic(bootstrap, topic, 3, Map.of());
        try (InboxRuntime inbox = Consumers.inbox(db, Map.of());
                InboxConsumer consumer = new InboxConsumer(bootstrap, List.of(topic), inbox.inbox(),
                        InboxConsumer.Mode.PROCESS, 4);
                Producer producer = Producer.create(db, "Order", 20, Duration.ofMillis(15));
                Relay relay = relays.start(db, bootstrap);
                Connection first = db.db.dataSource().getConnection();
                Connection second = db.db.dataSource().getConnection()) {
            producer.produceContinuously(true);
            long before = consumer.records();
            Await.until("events flowing", () -> consumer.records() > before + 50);

            List<UUID> firstIds = beginAndInsert(first, "long-1", 5);
            List<UUID> secondIds = beginAndInsert(second, "long-2", 5);
            long insertedUpTo = Math.max(walInsertPosition(first), walInsertPosition(second));
            Await.until("an offset flushed past the open transactions' inserts",
                    () -> flushedPosition(db) > insertedUpTo);
            assertThat(consumer.seenCount(firstIds) + consumer.seenCount(secondIds)).isZero();

            relay.restart(() -> {
                commit(first); // committed while no relay is running
                long committed = producer.committedEvents();
                Await.until("other transactions committing while the relay is down",
                        () -> producer.committedEvents() > committed + 20);
            });
            long after = consumer.records();
            Await.until("events flowing after the restart", () -> consumer.records() > after + 50);
            commit(second); // committed after the new relay streams
            Await.until("the transaction committed while the relay was down, in Kafka",
                    () -> consumer.seenCount(firstIds) == firstIds.size());
            Await.until("the transaction committed after the restart, in Kafka",
                    () -> consumer.seenCount(secondIds) == secondIds.size());
            producer.produceContinuously(false);
            Verdict.check(scenario, db, consumer, "2 transactions of 5 events each, inserted before an offset "
                    + "flushed past them, committed while the relay was down and after it came back");
        }
    }

    private static List<UUID> beginAndInsert(Connection c, String aggregateId, int count) throws SQLException {
        c.setAutoCommit(false);
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox_event (id, aggregatetype, aggregateid, "
                + "type, payload) VALUES (?, 'Order', ?, 'OrderPlaced', ?::jsonb)")) {
            for (int seq = 1; seq <= count; seq++) {
                UUID id = UUID.randomUUID();
                ps.setObject(1, id);
                ps.setString(2, aggregateId);
                ps.setString(3, Payloads.of(id, aggregateId, seq, null));
                ps.executeUpdate();
                ids.add(id);
            }
        }
        return ids;
    }

    private static void commit(Connection c) {
        try {
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long walInsertPosition(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static final Pattern LSN = Pattern.compile("\"lsn\"\\s*:\\s*(\\d+)");

    private static long flushedPosition(FaultDatabase db) {
        long[] lsn = {0};
        db.query("SELECT offset_val FROM postbox_relay_offset WHERE offset_key LIKE '[\"" + db.name() + "\",%'",
                rs -> {
                    Matcher m = LSN.matcher(String.valueOf(rs.getString(1)));
                    if (m.find()) {
                        lsn[0] = Long.parseLong(m.group(1));
                    }
                });
        return lsn[0];
    }
}
