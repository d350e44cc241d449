package dev.postbox.relay;

import static dev.postbox.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.testkit.MariaDbServer;
import org.junit.jupiter.api.Test;

/**
 * What only MariaDB has: a clear refusal when the server or the user cannot feed the relay (binlog format, grants),
 * and the lag read from binlog positions instead of a slot. The shared suites ({@code MariaDb*Test}) cover the rest.
 */
class MariaDbRelayTest {

    @Test
    void refusesToStartWhenTheBinlogIsNotInRowFormatNamingTheSettingAndTheFix() {
        MariaDbServer.Database db = mariaDatabase("binlog_format");
        MariaDbServer.shared().database(db.name()).execute("SET GLOBAL binlog_format = 'MIXED'");
        try (OutboxRelay relay = relay(db).sink(new CollectingSink()).build()) {
            relay.start();
            awaitState(relay, RelayStatus.State.FAILED);
            assertThat(relay.status().lastError())
                    .contains("binlog_format is MIXED")
                    .contains("binlog_format=ROW")
                    .contains("SET GLOBAL binlog_format='ROW'");
        } finally {
            db.execute("SET GLOBAL binlog_format = 'ROW'");
        }
    }

    @Test
    void refusesToStartForAUserWithoutReplicationGrantsNamingTheGrants() {
        MariaDbServer.Database db = mariaDatabase("grants");
        String user = "norepl_" + db.name();
        db.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'secret-pw'",
                "GRANT ALL PRIVILEGES ON " + db.name() + ".* TO '" + user + "'@'%'");
        try (OutboxRelay relay = OutboxRelay.builder()
                .jdbc(db.jdbcUrl(), user, "secret-pw")
                .slotName(db.name())
                .standbyRetryInterval(java.time.Duration.ofMillis(200))
                .sink(new CollectingSink()).build()) {
            relay.start();
            awaitState(relay, RelayStatus.State.FAILED);
            assertThat(relay.status().lastError())
                    .contains("GRANT REPLICATION SLAVE ON *.*")
                    .contains("GRANT BINLOG MONITOR ON *.*")
                    .doesNotContain("secret-pw");
        }
    }

    @Test
    void lagIsTheBinlogWrittenAfterTheRelaysStoredPosition() {
        MariaDbServer.Database db = mariaDatabase("lag");
        CollectingSink sink = new CollectingSink();
        OutboxRelay first = relay(db).sink(sink).build();
        first.start();
        awaitState(first, RelayStatus.State.ACTIVE);
        insert(db, "Order", "o-1", 1);
        await("relayed", () -> sink.distinct() == 1);
        await("a stored position", () -> first.slotLagBytes() >= 0);
        first.stop(); // flushes the acknowledged position
        long stopped = first.slotLagBytes();

        insertMany(db, "Order", 10, 20, 50); // 200 events while no relay runs
        long behind = first.slotLagBytes(); // readable without the lock, like the slot's lag on PostgreSQL
        System.out.printf("MariaDB lag with the relay stopped after 200 events: %d bytes%n", behind);
        assertThat(behind).as("at least ~50 binlog bytes per event").isGreaterThan(stopped + 200 * 50L);

        try (OutboxRelay second = relay(db).sink(sink).build()) {
            second.start();
            await("all relayed", () -> sink.distinct() == 201);
            // the stored position moves to the last relayed transaction (50 events here)
            await("lag back down", () -> second.slotLagBytes() >= 0 && second.slotLagBytes() < behind / 2);
            assertThat(second.status().state()).isEqualTo(RelayStatus.State.ACTIVE);
        }
    }
}
