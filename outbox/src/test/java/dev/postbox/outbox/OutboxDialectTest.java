package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.outbox.support.OutboxHarness;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.testkit.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The statements that differ per database ({@code postbox.dialect}, delete-after-insert), on each database. */
class OutboxDialectTest {

    private OutboxHarness harness;

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
        OutboxHarness.withConfig(Map.of());
    }

    @ParameterizedTest
    @EnumSource(OutboxDatabase.class)
    void deleteAfterInsertKeepsTheTableEmptyButTheLogCarriesTheInsert(OutboxDatabase database) throws Exception {
        harness = OutboxHarness.start(database, TestJta.LOCAL_JTA,
                Map.of("postbox.outbox.delete-after-insert", "true"));
        try (OutboxDatabase.ChangeLog log = database.openChangeLog(harness.db, "delete_after_insert_" + database
                .ordinal())) {
            OutboxEvent[] events = new OutboxEvent[2];
            harness.inTransaction(() -> {
                events[0] = harness.outbox().publish("Order", "1", "OrderPlaced", null);
                events[1] = harness.outbox().publish("Order", "1", "OrderPaid", Map.of("paid", true));
                return null;
            });

            assertThat(harness.db.queryLong("select count(*) from outbox_event")).isZero();
            assertThat(log.insertedIds(2)).containsExactly(events[0].id().toString(), events[1].id().toString());
            assertThat(log.deleted(events[0].id().toString())).isTrue();
            assertThat(log.deleted(events[1].id().toString())).isTrue();
        }
    }

    @Test
    void postboxDialectForcesTheStatementsInsteadOfTheMetadata() throws Exception {
        TestDatabase db = OutboxDatabase.MARIADB.createDatabase("forced");
        harness = OutboxHarness.startOn(db, Map.of("postbox.dialect", "mariadb"));
        harness.inTransaction(() -> harness.outbox().publish("Order", "f-1", "OrderPlaced", null));
        assertThat(db.queryLong("select count(*) from outbox_event where aggregateid = 'f-1'")).isOne();
        harness.close();

        // forcing the wrong one proves the key is what chooses: PostgreSQL's casts fail on MariaDB, and the
        // transaction rolls back with the business change
        harness = OutboxHarness.startOn(db, Map.of("postbox.dialect", "postgresql"));
        assertThatThrownBy(() -> harness.inTransaction(() -> {
            harness.jta.dataSource().getConnection().createStatement().execute(
                    "insert into purchase_order (id, status, amount) values ('f-2', 'PLACED', 1)");
            return harness.outbox().publish("Order", "f-2", "OrderPlaced", null);
        })).isInstanceOf(jakarta.transaction.RollbackException.class);
        assertThat(db.queryLong("select count(*) from outbox_event where aggregateid = 'f-2'")).isZero();
        assertThat(db.queryLong("select count(*) from purchase_order where id = 'f-2'")).isZero();
    }

    @Test
    void anUnknownDialectFailsStartupNamingTheKey() {
        TestDatabase db = OutboxDatabase.MARIADB.createDatabase("baddialect");
        assertThatThrownBy(() -> harness = OutboxHarness.startOn(db, Map.of("postbox.dialect", "oracle")))
                .isInstanceOf(jakarta.enterprise.inject.spi.DeploymentException.class)
                .hasStackTraceContaining("Invalid Postbox configuration postbox.dialect='oracle'")
                .hasStackTraceContaining("mariadb");
    }
}
