package dev.postbox.relay;

import static dev.postbox.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.testkit.PostgresServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** On an idle outbox the slot still advances (WAL is freed) thanks to heartbeats. */
class HeartbeatTest {

    @Test
    void heartbeatAdvancesTheSlotOnAnIdleOutbox() {
        PostgresServer.Database db = database("heartbeat");
        try (OutboxRelay relay = relay(db).sink(new CollectingSink()).heartbeatInterval(Duration.ofMillis(300)).build()) {
            relay.start();
            awaitState(relay, RelayStatus.State.ACTIVE);
            // WAL from a table outside the publication: the relay sees no outbox change at all
            db.execute("create table unrelated (v text)",
                    "insert into unrelated select repeat('x', 200) from generate_series(1, 20000)");
            long written = db.queryLong("select (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
            await("slot confirmed past the unrelated WAL", () -> db.queryLong(
                    "select (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint from pg_replication_slots where slot_name = '"
                            + db.name() + "'") >= written);
            assertThat(db.queryLong("select count(*) from postbox_relay_heartbeat where relay = '" + db.name() + "'"))
                    .isEqualTo(1);
            assertThat(relay.slotLagBytes()).isBetween(0L, 1_000_000L);
        }
    }
}
