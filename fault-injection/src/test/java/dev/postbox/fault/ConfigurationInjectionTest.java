package dev.postbox.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.fault.support.Consumers;
import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.fault.support.Relays;
import dev.postbox.fault.support.Report;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.outbox.internal.OutboxSettings;
import dev.postbox.testkit.KafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Hostile table names in configuration: SQL after a semicolon, comments, quoted identifiers, Unicode look-alikes,
 * invisible characters, names PostgreSQL would silently truncate. Outbox, inbox and relay must each refuse them at
 * start-up (the configuration objects their start-up builds: {@code OutboxSettings}, {@code InboxConfig},
 * {@code OutboxRelay.builder().build()}), with the offending key named, before anything reaches the database.
 * Names that travel as bind parameters (inbox scopes and keys) are data, not SQL: they are processed normally.
 */
class ConfigurationInjectionTest {

    /** Each hostile value, with why it must not reach SQL text. */
    static final Map<String, String> HOSTILE = new java.util.LinkedHashMap<>();

    static {
        HOSTILE.put("outbox; drop table victim", "statement after a semicolon");
        HOSTILE.put("outbox_event; DROP TABLE victim; --", "statement and comment");
        HOSTILE.put("outbox_event/**/", "block comment");
        HOSTILE.put("outbox_event'--", "quote and comment");
        HOSTILE.put("\"Outbox\"", "quoted identifier");
        HOSTILE.put("public.\"outbox_event\"", "quoted table in a qualified name");
        HOSTILE.put("\"victim\" CASCADE", "quoted identifier and keyword");
        HOSTILE.put("outbox_ev\u0435nt", "Cyrillic 'e' look-alike");
        HOSTILE.put("\uff4f\uff55\uff54\uff42\uff4f\uff58", "full-width letters");
        HOSTILE.put("outbox_event\u200b", "zero-width space");
        HOSTILE.put("outbox\u0000event", "NUL byte");
        HOSTILE.put("outbox event", "space");
        HOSTILE.put("Outbox_Event", "upper case (folded by PostgreSQL)");
        HOSTILE.put("a".repeat(64), "64 characters (PostgreSQL truncates to 63: another table)");
        HOSTILE.put("public.outbox_event.x", "three-part name");
        HOSTILE.put("$1", "placeholder");
        HOSTILE.put("pg_catalog.pg_authid", "PostgreSQL system catalog");
        HOSTILE.put("information_schema.tables", "SQL standard information schema");
    }

    static final List<String> RELAY_KEYS = List.of("postbox.relay.outbox-table", "postbox.relay.offset-table",
            "postbox.relay.parked-table", "postbox.relay.heartbeat-table", "postbox.relay.publication-name",
            "postbox.relay.slot-name");

    @Test
    void hostileTableNamesAreRejectedAtStartUpByOutboxInboxAndRelayAndTheDatabaseIsUntouched() {
        FaultDatabase db = FaultDatabase.create("config_injection");
        db.db.execute("CREATE TABLE victim (id integer)", "INSERT INTO victim VALUES (1)");
        String before = snapshot(db);
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        List<String> rejected = new ArrayList<>();

        for (Map.Entry<String, String> hostile : HOSTILE.entrySet()) {
            String value = hostile.getKey();
            String why = hostile.getValue();
            expectRejected("postbox.outbox.table", value, why, () -> OutboxSettings.from(
                    k -> k.equals("postbox.outbox.table") ? Optional.of(value) : Optional.empty()));
            expectRejected("postbox.inbox.table", value, why, () -> InboxConfig.from(
                    k -> k.equals("postbox.inbox.table") ? Optional.of(value) : Optional.empty()));
            for (String key : RELAY_KEYS) {
                expectRejected(key, value, why, () -> Relays.builder(db, bootstrap).configure(Map.of(key, value)).build());
            }
            rejected.add(why);
        }

        assertThat(snapshot(db)).as("tables, rows, slots, publications and relay connections").isEqualTo(before);
        // the valid configuration on the same database does start
        Relays.builder(db, bootstrap).build();
        Report.figure("configuration injection", HOSTILE.size() + " hostile table names x " + (2 + RELAY_KEYS.size())
                + " keys (outbox, inbox, relay) rejected at start-up naming the key; database unchanged (tables, "
                + "rows, slots, publications): " + String.join(", ", rejected));
    }

    @Test
    void hostileScopesAndKeysAreBindParametersNotSql() {
        FaultDatabase db = FaultDatabase.create("data_injection");
        db.db.execute("CREATE TABLE victim (id integer)", "INSERT INTO victim VALUES (1)");
        try (InboxRuntime inbox = Consumers.inbox(db, Map.of())) {
            String scope = "x'); DROP TABLE victim; --";
            inbox.inbox().register(scope, payload -> {
                db.applyEffect(db.jta, UUID.fromString(payload.replaceAll("[^0-9a-f-]", "")), "victim", 1);
                return "ok";
            });
            UUID id = UUID.randomUUID();
            String key = "k'; DELETE FROM postbox_inbox; --";
            assertThat(inbox.inbox().process(scope, key, "\"" + id + "\"", String.class).value()).isEqualTo("ok");
            assertThat(inbox.inbox().process(scope, key, "\"" + id + "\"", String.class).value()).isEqualTo("ok");
        }
        assertThat(db.count("SELECT count(*) FROM victim")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM effect")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM postbox_inbox WHERE scope = 'x''); DROP TABLE victim; --'"))
                .isEqualTo(1);
    }

    private static void expectRejected(String key, String value, String why, Runnable startUp) {
        assertThatThrownBy(startUp::run).as(key + " = " + why)
                .isInstanceOfSatisfying(PostboxConfigurationException.class, e -> {
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.getMessage()).contains(key).doesNotContain("\u0000").doesNotContain("\n");
                });
    }

    /** What a successful injection or a started relay would change. */
    private static String snapshot(FaultDatabase db) {
        StringBuilder s = new StringBuilder();
        db.query("SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
                + "ORDER BY 1", rs -> s.append(rs.getString(1)).append(' '));
        s.append("| victim rows ").append(db.count("SELECT count(*) FROM victim"));
        s.append(" | slots ").append(db.count("SELECT count(*) FROM pg_replication_slots WHERE database = "
                + "current_database()"));
        s.append(" | publications ").append(db.count("SELECT count(*) FROM pg_publication"));
        s.append(" | relay connections ").append(db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                + "current_database() AND application_name LIKE 'postbox-relay%'"));
        return s.toString();
    }
}
