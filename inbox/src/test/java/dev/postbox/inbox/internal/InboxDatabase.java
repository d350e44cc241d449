package dev.postbox.inbox.internal;

import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.jta.LocalJta;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A fresh database with the shipped inbox DDL, a LocalJta over it, and runtimes built on both. */
public final class InboxDatabase {

    public final PostgresServer.Database db;
    public final LocalJta jta;

    private InboxDatabase(PostgresServer.Database db) {
        this.db = db;
        this.jta = new LocalJta(db.dataSource());
    }

    public static InboxDatabase create(String prefix) {
        InboxDatabase database = new InboxDatabase(PostgresServer.shared().createDatabase(prefix));
        database.db.execute(ddl());
        database.db.execute("CREATE TABLE effect (scope varchar(255), key varchar(512), note text)");
        return database;
    }

    /** A database as an application has it before applying V1_6 (no trace column). */
    public static InboxDatabase createWithoutTraceColumn(String prefix) {
        InboxDatabase database = new InboxDatabase(PostgresServer.shared().createDatabase(prefix));
        database.db.execute(script("V1_2__postbox_inbox.sql"), script("V1_4__postbox_inbox_steps.sql"),
                script("V1_5__postbox_inbox_breaker.sql"));
        return database;
    }

    /**
     * The shipped inbox scripts: the inbox table (V1_2), its steps (V1_4), the scopes' breakers (V1_5) and its trace
     * column (V1_6).
     */
    public static String ddl() {
        return script("V1_2__postbox_inbox.sql") + "\n" + script("V1_4__postbox_inbox_steps.sql") + "\n"
                + script("V1_5__postbox_inbox_breaker.sql") + "\n" + script("V1_6__postbox_inbox_traceparent.sql") + "\n"
                + script("V1_7__postbox_inbox_created_idx.sql");
    }

    private static String script(String name) {
        try (InputStream in = InboxDatabase.class.getResourceAsStream("/db/postbox/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A runtime whose scheduler is not started (tests drive it), with the given configuration on top of defaults.
     * First deliveries are not claimed in a start-up window (CrashWatch) unless the configuration says so: these
     * tests are about the steady state, which every runtime reaches a minute after start.
     */
    public InboxRuntime runtime(Map<String, String> config) {
        return runtime(config, null);
    }

    /** As {@link #runtime(Map)}, with spans going to {@code tracing} (null: the default). */
    public InboxRuntime runtime(Map<String, String> config, dev.postbox.inbox.internal.trace.InboxTracing tracing) {
        Map<String, String> values = new HashMap<>(config);
        values.putIfAbsent(InboxConfig.CLAIM_FIRST_DELIVERIES_AFTER_START.name(), "0s");
        return InboxRuntime.builder()
                .dataSource(jta.dataSource())
                .transactions(new JtaTransactions(jta))
                .config(InboxConfig.from(k -> Optional.ofNullable(values.get(k))))
                .tracing(tracing)
                .build();
    }

    /** Writes a business effect on the current transaction's connection. */
    public void effect(String scope, String key, String note) throws Exception {
        try (var c = jta.dataSource().getConnection();
                var ps = c.prepareStatement("INSERT INTO effect (scope, key, note) VALUES (?, ?, ?)")) {
            ps.setString(1, scope);
            ps.setString(2, key);
            ps.setString(3, note);
            ps.executeUpdate();
        }
    }

    public long effects(String scope) {
        return db.queryLong("SELECT count(*) FROM effect WHERE scope = '" + scope + "'");
    }

    public long rows(String scope) {
        return db.queryLong("SELECT count(*) FROM postbox_inbox WHERE scope = '" + scope + "'");
    }

    /** Makes every due time and lease of a scope lie in the past, so tests need not sleep through backoffs. */
    public void makeDue(String scope) {
        db.execute("UPDATE postbox_inbox SET next_attempt_at = clock_timestamp() - interval '1 millisecond' "
                + "WHERE scope = '" + scope + "' AND next_attempt_at IS NOT NULL");
    }
}
