package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.outbox.support.OutboxHarness;
import dev.postbox.outbox.support.Rows;
import dev.postbox.testkit.PostgresServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration through MicroProfile Config, checked when the application starts. */
class OutboxConfigurationTest {

    private OutboxHarness harness;

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
        OutboxHarness.withConfig(Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"outbox_event; drop table purchase_order", "Outbox", "public.outbox.event", "x\"y",
        "public.Outbox"})
    void invalidTableNameIsRejectedAtStartup(String table) {
        PostgresServer.Database db = PostgresServer.shared().createDatabase("badtable");
        db.execute(OutboxHarness.shippedDdl());
        assertThatThrownBy(() -> harness = OutboxHarness.startOn(db, Map.of("postbox.outbox.table", table)))
                .isInstanceOf(jakarta.enterprise.inject.spi.DeploymentException.class)
                .hasStackTraceContaining("Invalid Postbox configuration postbox.outbox.table=")
                .hasStackTraceContaining("^[a-z_][a-z0-9_]{0,62}$");
    }

    @Test
    void unknownDataSourceFailsStartupNamingTheKey() {
        PostgresServer.Database db = PostgresServer.shared().createDatabase("badds");
        assertThatThrownBy(() -> harness = OutboxHarness.startOn(db,
                Map.of("postbox.outbox.datasource", "java:app/jdbc/missing")))
                .hasStackTraceContaining("postbox.outbox.datasource='java:app/jdbc/missing'")
                .hasStackTraceContaining("no data source is bound under that JNDI name");
    }

    @Test
    void invalidBooleanIsRejected() {
        PostgresServer.Database db = PostgresServer.shared().createDatabase("badbool");
        assertThatThrownBy(() -> harness = OutboxHarness.startOn(db,
                Map.of("postbox.outbox.delete-after-insert", "yes please")))
                .hasStackTraceContaining("postbox.outbox.delete-after-insert='yes please': must be true or false");
    }

    @Test
    void unknownOutboxKeyFailsStartupNamingTheNearestKey() {
        PostgresServer.Database db = PostgresServer.shared().createDatabase("unknownkey");
        assertThatThrownBy(() -> harness = OutboxHarness.startOn(db, Map.of("postbox.outbox.tabel", "events")))
                .isInstanceOf(jakarta.enterprise.inject.spi.DeploymentException.class)
                .hasStackTraceContaining("Invalid Postbox configuration postbox.outbox.tabel='****': unknown outbox "
                        + "configuration key; did you mean postbox.outbox.table?")
                .hasStackTraceContaining("(from MicroProfile Config)");
    }

    @Test
    void customSchemaQualifiedTableIsUsed() throws Exception {
        PostgresServer.Database db = PostgresServer.shared().createDatabase("custom");
        db.execute("create schema messaging", OutboxHarness.shippedDdl().replace("outbox_event", "messaging.events")
                .replace("messaging.events_aggregate_idx", "events_aggregate_idx")
                .replace("messaging.events_timestamp_idx", "events_timestamp_idx")
                .replace("messaging.events_pkey", "events_pkey"));
        harness = OutboxHarness.startOn(db, Map.of("postbox.outbox.table", "messaging.events"));
        harness.inTransaction(() -> harness.outbox().publish("Order", "1", "OrderPlaced", null));
        assertThat(db.queryLong("select count(*) from messaging.events")).isEqualTo(1);
    }

    @Test
    void deleteAfterInsertKeepsTheTableEmptyButTheLogCarriesTheInsert() throws Exception {
        harness = OutboxHarness.start(Map.of("postbox.outbox.delete-after-insert", "true"));
        try (Rows.LogSlot slot = new Rows.LogSlot(harness.db, "delete_after_insert")) {
            OutboxEvent[] event = new OutboxEvent[1];
            harness.inTransaction(() -> event[0] = harness.outbox().publish("Order", "1", "OrderPlaced", null));

            assertThat(harness.db.queryLong("select count(*) from outbox_event")).isZero();
            List<String> changes = slot.changes();
            assertThat(OutboxHarness.insertedIdsInLogOrder(changes)).containsExactly(event[0].id().toString());
            assertThat(changes).anyMatch(c -> c.startsWith("table public.outbox_event: DELETE:"));
        }
    }
}
