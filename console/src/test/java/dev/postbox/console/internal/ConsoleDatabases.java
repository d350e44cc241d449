package dev.postbox.console.internal;

import dev.postbox.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** The shipped DDL of the tables the console reads, applied to a test database of either product. */
final class ConsoleDatabases {

    /** Every inbox script, in order (both products ship the same names). */
    static final List<String> INBOX = List.of("V1_2__postbox_inbox.sql", "V1_4__postbox_inbox_steps.sql",
            "V1_5__postbox_inbox_breaker.sql", "V1_6__postbox_inbox_traceparent.sql",
            "V1_7__postbox_inbox_created_idx.sql");
    /** The outbox's table and the relay's tables. */
    static final List<String> OUTBOX_AND_RELAY = List.of("V1_1__postbox_outbox.sql", "V1_3__postbox_relay.sql");

    private ConsoleDatabases() {
    }

    /** Runs PostgreSQL's scripts ({@code db/postbox/}). */
    static void postgresql(TestDatabase db, List<String> scripts) {
        for (String script : scripts) {
            db.execute(resource("/db/postbox/" + script));
        }
    }

    /** Runs MariaDB's scripts ({@code db/mariadb/postbox/}), one statement per call as its driver needs. */
    static void mariadb(TestDatabase db, List<String> scripts) {
        for (String script : scripts) {
            db.execute(statements(resource("/db/mariadb/postbox/" + script)));
        }
    }

    /**
     * MariaDB's {@code MariaDbDataSource} reads its configuration on the first {@code getConnection()} without
     * synchronisation (see the inbox's {@code InboxDatabase}): one connection before the tests start settles it.
     */
    static TestDatabase warm(TestDatabase db) {
        try (var c = db.dataSource().getConnection()) {
            return db;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot connect to the test database: " + e.getMessage(), e);
        }
    }

    /** A script's statements: comment lines dropped, split at ';' (the shipped scripts have none in a string). */
    private static String[] statements(String script) {
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\\R")) {
            if (!line.trim().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return Arrays.stream(sql.toString().split(";")).map(String::trim).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }

    static String resource(String path) {
        try (InputStream in = ConsoleDatabases.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no " + path + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(path, e);
        }
    }
}
