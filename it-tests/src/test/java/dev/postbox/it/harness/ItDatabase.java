package dev.postbox.it.harness;

import dev.postbox.testkit.MariaDbServer;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The database a suite that runs on more than one ({@code PostboxIT}) uses in this run, from the system property
 * {@value #PROPERTY} ({@code postgresql} when unset); the build sets it per failsafe execution, next to
 * {@link Server#PROPERTY}. What differs between the databases for such a suite is here: the test kit's server, the
 * shipped DDL, the relay's settings and when the relay is ready to see a commit. The WAR's data source and driver
 * follow the database ({@link ServerWar#create}).
 */
public enum ItDatabase {

    POSTGRESQL("postgresql", "db/postbox/", "bigserial primary key"),

    /**
     * MariaDB 10.11 (test kit's {@link MariaDbServer}): the scripts of {@code db/mariadb/postbox}; the WAR carries
     * MariaDB Connector/J and Debezium's MariaDB connector ({@code target/mariadb-lib}).
     */
    MARIADB("mariadb", "db/mariadb/postbox/", "bigint auto_increment primary key");

    /** The system property naming the database of this run ({@link #id()}). */
    public static final String PROPERTY = "postbox.it.database";

    private static final String[] SCRIPTS = {"V1_1__postbox_outbox.sql", "V1_2__postbox_inbox.sql",
        "V1_3__postbox_relay.sql", "V1_4__postbox_inbox_steps.sql", "V1_5__postbox_inbox_breaker.sql",
        "V1_6__postbox_inbox_traceparent.sql", "V1_7__postbox_inbox_created_idx.sql"};

    private final String id;
    private final String scripts;
    private final String generatedKey;

    ItDatabase(String id, String scripts, String generatedKey) {
        this.id = id;
        this.scripts = scripts;
        this.generatedKey = generatedKey;
    }

    /** The database of this run, from {@value #PROPERTY} ({@link #POSTGRESQL} when unset). */
    public static ItDatabase current() {
        String value = System.getProperty(PROPERTY, POSTGRESQL.id);
        return Arrays.stream(values()).filter(d -> d.id.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalStateException(PROPERTY + "=" + value + " is not a known database;"
                        + " known: " + Arrays.stream(values()).map(ItDatabase::id).collect(Collectors.joining(", "))));
    }

    /** As in {@code postbox.dialect} and {@link TestDatabase#product()}. */
    public String id() {
        return id;
    }

    /** A new, empty database on the test kit's shared server of this kind. */
    public TestDatabase createDatabase(String prefix) {
        return this == MARIADB ? MariaDbServer.shared().createDatabase(prefix)
                : PostgresServer.shared().createDatabase(prefix);
    }

    /**
     * The Postbox DDL scripts V1_1..V1_7 of this database (outbox, inbox, relay, steps, breaker, trace column,
     * created-at index) from the module jars on the test class path, one statement per string (MariaDB's driver
     * runs one statement per call).
     */
    public String[] postboxSchema() {
        Stream<String> texts = Arrays.stream(SCRIPTS).map(script -> resource(scripts + script));
        return this == MARIADB ? texts.flatMap(ItDatabase::statements).toArray(String[]::new)
                : texts.toArray(String[]::new);
    }

    /** The column type and key of a generated {@code bigint} id ({@code GenerationType.IDENTITY}). */
    public String generatedKey() {
        return generatedKey;
    }

    /**
     * The relay's settings that depend on the database: on PostgreSQL its slot and publication (named after the
     * database), on MariaDB its slot name (from which its replica server id derives) and no TLS (the test server
     * has none; Debezium's binlog client would try it).
     */
    public Map<String, String> relayConfig(TestDatabase db) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("postbox.relay.slot-name", db.name());
        if (this == MARIADB) {
            config.put("postbox.relay.debezium.database.ssl.mode", "disable");
        } else {
            config.put("postbox.relay.publication-name", "pub_" + db.name());
        }
        return config;
    }

    /**
     * True once the relay sees every commit from now on ({@code snapshot-mode=no_data}, README "Snapshot"): on
     * PostgreSQL once its replication slot exists, on MariaDB once the relay reports {@code ACTIVE} (its connector
     * read the binlog position; the relay suites write from that moment too), asked through the WAR's
     * {@code api/relay/status}.
     */
    public boolean relayReady(TestDatabase db, URL base) {
        if (this == MARIADB) {
            return Http.get(base, "api/relay/status").body().contains("\"state\":\"ACTIVE\"");
        }
        return db.queryLong("select count(*) from pg_replication_slots where slot_name = '" + db.name() + "'") == 1;
    }

    private static String resource(String path) {
        try (InputStream in = ItDatabase.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<String> statements(String script) {
        StringBuilder sql = new StringBuilder();
        script.lines().filter(line -> !line.trim().startsWith("--")).forEach(line -> sql.append(line).append('\n'));
        return Arrays.stream(sql.toString().split(";")).map(String::trim).filter(s -> !s.isEmpty());
    }
}
