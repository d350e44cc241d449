package dev.postbox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A {@code jdbc:mariadb:} URL selects MariaDB: its defaults and the engine settings the binlog connector needs. */
class MariaDbPropertiesTest {

    private static RelayConfig build(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("postbox.relay.jdbc-url", "jdbc:mariadb://db/shop");
        m.put("postbox.relay.user", "relay");
        m.put("postbox.relay.password", "secret");
        m.put("postbox.relay.kafka.bootstrap-servers", "kafka:9092");
        m.putAll(extra);
        RelayDraft draft = new RelayDraft();
        draft.keys(m);
        return draft.build();
    }

    @Test
    void aMariaDbUrlSelectsTheBinlogConnectorWithTheDatabaseAsSchemaAndSchemaHistoryInTheDatabase() {
        RelayConfig c = build(Map.of());
        assertThat(c.connection().isMariaDb()).isTrue();
        assertThat(c.connection().port()).isEqualTo(3306);
        assertThat(c.names().qualifiedOutboxTable()).isEqualTo("shop.outbox_event");
        Properties p = DebeziumProperties.of(c);
        assertThat(p.getProperty("connector.class")).isEqualTo("io.debezium.connector.mariadb.MariaDbConnector");
        assertThat(p.getProperty("database.include.list")).isEqualTo("shop");
        assertThat(p.getProperty("table.include.list")).isEqualTo("shop.outbox_event,shop.postbox_relay_heartbeat");
        assertThat(p.getProperty("snapshot.mode")).isEqualTo("no_data");
        assertThat(p.getProperty("snapshot.locking.mode")).isEqualTo("none");
        assertThat(p.getProperty("schema.history.internal")).isEqualTo("io.debezium.storage.jdbc.history.JdbcSchemaHistory");
        assertThat(p.getProperty("schema.history.internal.jdbc.table.name")).isEqualTo("shop.postbox_relay_schema_history");
        assertThat(p.getProperty("schema.history.internal.jdbc.table.ddl")).contains("MEDIUMTEXT");
        assertThat(p.getProperty("offset.storage")).isEqualTo("io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore");
        assertThat(p.getProperty("offset.storage.jdbc.table.select")).contains("LEFT(offset_key, 17) = '[\"postbox_relay\",'");
        assertThat(p.getProperty("heartbeat.action.query")).contains("ON DUPLICATE KEY UPDATE");
        assertThat(p.getProperty("plugin.name")).isNull();
        long serverId = Long.parseLong(p.getProperty("database.server.id"));
        assertThat(serverId).isBetween(0x5000_0000L, 0x5100_0000L - 1);
        assertThat(DebeziumProperties.of(build(Map.of())).getProperty("database.server.id"))
                .as("the same for every instance of one relay").isEqualTo(Long.toString(serverId));
    }

    @Test
    void serverIdAndSchemaHistoryTableAreConfigurable() {
        Properties p = DebeziumProperties.of(build(Map.of("postbox.relay.server-id", "4242",
                "postbox.relay.schema-history-table", "relay_b_history", "postbox.relay.slot-name", "relay_b")));
        assertThat(p.getProperty("database.server.id")).isEqualTo("4242");
        assertThat(p.getProperty("schema.history.internal.jdbc.table.name")).isEqualTo("shop.relay_b_history");
        assertThat(p.getProperty("name")).isEqualTo("relay_b");
    }

    @Test
    void aPostgresUrlKeepsThePostgresConnector() {
        RelayDraft draft = new RelayDraft();
        draft.keys(Map.of("postbox.relay.jdbc-url", "jdbc:postgresql://db/shop", "postbox.relay.user", "relay",
                "postbox.relay.kafka.bootstrap-servers", "kafka:9092"));
        Properties p = DebeziumProperties.of(draft.build());
        assertThat(p.getProperty("connector.class")).isEqualTo("io.debezium.connector.postgresql.PostgresConnector");
        assertThat(p.getProperty("table.include.list")).isEqualTo("public.outbox_event,public.postbox_relay_heartbeat");
        assertThat(p.getProperty("database.server.id")).isNull();
    }
}
