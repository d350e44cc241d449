package dev.postbox.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.fault.support.Await;
import dev.postbox.fault.support.Consumers;
import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.fault.support.InboxConsumer;
import dev.postbox.fault.support.Producer;
import dev.postbox.fault.support.Relays;
import dev.postbox.fault.support.Scale;
import dev.postbox.fault.support.Verdict;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.RelayStatus;
import dev.postbox.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The relay's replication connection is killed on the server with {@code pg_terminate_backend} (the walsender that
 * streams its slot, found through {@code pg_replication_slots.active_pid}), several times, while the producer keeps
 * committing; then its advisory-lock connection is killed too, which must make it step down and take over again.
 */
class ReplicationConnectionKillTest {

    private static final String SCENARIO = "replication connection killed";
    /** {@code LeaderLock.CLASS_ID}: 'post' in ASCII, the first half of the relay's advisory-lock key. */
    private static final long LOCK_CLASS_ID = 0x706f7374L;
    /** Events that must flow between faults. */
    private static final int FLOW = Scale.pick(30, 100);

    @Test
    void walsenderAndLockConnectionTerminatedLoseNothing() {
        int kills = Scale.pick(3, 8);
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        FaultDatabase db = FaultDatabase.create("walsender_kill");
        String topic = Relays.topic(db, "Order");
        Relays.createTopic(bootstrap, topic, 3, Map.of());
        try (OutboxRelay relay = Relays.builder(db, bootstrap).build();
                InboxRuntime inbox = Consumers.inbox(db, Map.of());
                InboxConsumer consumer = new InboxConsumer(bootstrap, List.of(topic), inbox.inbox(),
                        InboxConsumer.Mode.PROCESS, 4);
                Producer producer = Producer.create(db, "Order", 20, Duration.ofMillis(15))) {
            relay.start();
            Await.until("relay ACTIVE", () -> relay.status().state() == RelayStatus.State.ACTIVE);
            producer.produceContinuously(true);
            for (int i = 1; i <= kills; i++) {
                long before = consumer.records();
                Await.until("events flowing before kill " + i, () -> consumer.records() > before + FLOW);
                Await.until("a walsender on the slot", () -> Relays.walsenderPid(db) > 0);
                long pid = Relays.walsenderPid(db);
                assertThat(db.count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid
                        + " AND backend_type = 'walsender'")).as("pid " + pid + " is a walsender").isEqualTo(1);
                db.db.execute("SELECT pg_terminate_backend(" + pid + ")");
                Await.until("a new walsender after kill " + i,
                        () -> Relays.walsenderPid(db) > 0 && Relays.walsenderPid(db) != pid,
                        () -> relay.status().toString());
                long after = consumer.records();
                Await.until("events flowing after kill " + i, () -> consumer.records() > after + FLOW);
            }

            long lockPid = db.count("SELECT coalesce(max(pid), 0) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    + "AND classid::bigint = " + LOCK_CLASS_ID + " AND database = (SELECT oid FROM pg_database "
                    + "WHERE datname = current_database())");
            assertThat(lockPid).as("the relay's advisory-lock connection").isPositive();
            long walsender = Relays.walsenderPid(db);
            db.db.execute("SELECT pg_terminate_backend(" + lockPid + ")");
            // the relay must stop streaming (it no longer holds the lock) and take the lock again
            Await.until("the relay stepping down after losing its lock connection",
                    () -> Relays.walsenderPid(db) != walsender, () -> relay.status().toString());
            Await.until("the relay holding the lock again", () -> db.count("SELECT count(*) FROM pg_locks WHERE "
                    + "locktype = 'advisory' AND granted AND classid::bigint = " + LOCK_CLASS_ID + " AND pid <> "
                    + lockPid) == 1);
            Await.until("relay ACTIVE again", () -> relay.status().state() == RelayStatus.State.ACTIVE
                    && Relays.slotActive(db), () -> relay.status().toString());
            long before = consumer.records();
            Await.until("events flowing after the lock connection was killed", () -> consumer.records() > before + FLOW);
            producer.produceContinuously(false);
            Verdict.check(SCENARIO, db, consumer, kills + " walsender kills and 1 lock-connection kill");
        }
    }
}
