package dev.postbox.bench;

import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.inbox.internal.JtaTransactions;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.jta.LocalJta;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inbox costs against the floor of any correct dedup: the handler's insert plus a hand-written
 * {@code INSERT INTO bench_dedup(scope, key) … ON CONFLICT DO NOTHING} with its row count checked, in the same
 * transaction. Postbox's first delivery is measured with a {@code void} message handler and with an HTTP-style
 * handler whose result is stored (and replayed to a duplicate); a duplicate is measured against a first delivery.
 */
final class InboxBench {

    /** What an HTTP-style handler returns and the inbox stores for replay. */
    public record Receipt(String paymentId, String status, int amount) {
    }

    private final PostgresServer.Database db;
    private final ThreadConnections pool;
    private final LocalJta jta;
    private final InboxRuntime runtime;
    private final Inbox inbox;
    private final AtomicLong voidKeys = new AtomicLong();
    private final AtomicLong resultKeys = new AtomicLong();
    private final AtomicLong floorKeys = new AtomicLong();
    private final AtomicLong indexKeys = new AtomicLong();

    InboxBench(PostgresServer server) {
        db = server.createDatabase("bench_inbox");
        db.execute(Sql.script("V1_2__postbox_inbox.sql"), Sql.script("V1_4__postbox_inbox_steps.sql"),
                Sql.script("V1_7__postbox_inbox_created_idx.sql"),
                // the same record insert into a V1_2 table without and with V1_7's index: what the index costs
                Sql.script("V1_2__postbox_inbox.sql").replace("postbox_inbox", "bench_inbox_v12"),
                Sql.script("V1_2__postbox_inbox.sql").replace("postbox_inbox", "bench_inbox_v17"),
                Sql.script("V1_7__postbox_inbox_created_idx.sql").replace("postbox_inbox", "bench_inbox_v17"),
                "create table effect (id bigserial primary key, msg varchar(64) not null, amount int not null)",
                "create table bench_dedup (scope varchar(128) not null, key varchar(255) not null, "
                        + "primary key (scope, key))");
        pool = new ThreadConnections(db.dataSource());
        jta = new LocalJta(pool);
        runtime = InboxRuntime.builder().dataSource(jta.dataSource()).transactions(new JtaTransactions(jta))
                // the steady state: not the start-up window in which first deliveries are claimed (CrashWatch)
                .config(InboxConfig.from(k -> k.equals(InboxConfig.CLAIM_FIRST_DELIVERIES_AFTER_START.name())
                        ? java.util.Optional.of("0s") : java.util.Optional.empty())).build();
        inbox = runtime.inbox();
        inbox.register("bench", payload -> {
            applyEffect(msg(payload));
            return null;
        });
        inbox.register("bench-http", payload -> {
            String msg = msg(payload);
            applyEffect(msg);
            return new Receipt(msg, "CAPTURED", 10);
        });
    }

    private static String msg(String payload) {
        return payload.substring(8, payload.indexOf('"', 8));
    }

    void run(Report report, AbRun ab) throws Exception {
        Map<String, AbRun.Operation> first = new LinkedHashMap<>();
        first.put("floor", (t, i) -> floor());
        first.put("void", (t, i) -> voidFirst());
        first.put("result", (t, i) -> resultFirst());
        Map<String, AbRun.Figures> f = ab.runAll(first);
        String floorName = "floor (insert + dedup INSERT)";
        report.add("inbox: first delivery, void handler, vs floor (p50 ms)", floorName, f.get("floor").p50Millis(),
                f.get("void").p50Millis(), Report.Goal.ratioAtMost(1.15), "");
        report.add("inbox: first delivery, handler with a stored result, vs floor (p50 ms)", floorName,
                f.get("floor").p50Millis(), f.get("result").p50Millis(), Report.Goal.ratioAtMost(1.4), "");
        report.add("inbox: first delivery, void handler, vs floor (msg/s)", floorName, f.get("floor").opsPerSecond(),
                f.get("void").opsPerSecond(), Report.Goal.none(), "");
        report.add("inbox: first delivery, stored result, vs floor (msg/s)", floorName, f.get("floor").opsPerSecond(),
                f.get("result").opsPerSecond(), Report.Goal.none(), "");

        Map<String, AbRun.Operation> index = new LinkedHashMap<>();
        index.put("v12", (t, i) -> insertRecord("bench_inbox_v12"));
        index.put("v17", (t, i) -> insertRecord("bench_inbox_v17"));
        Map<String, AbRun.Figures> x = ab.runAll(index);
        report.add("inbox: record insert with V1_7's (created_at, id) index vs without (p50 ms)",
                "insert into the V1_2 table", x.get("v12").p50Millis(), x.get("v17").p50Millis(), Report.Goal.none(),
                "the console's newest-first pages need the index (1,000,000 records: 996 ms -> 41 ms per page)");

        long knownVoid = voidKeys.get();
        long knownResult = resultKeys.get();
        Map<String, AbRun.Operation> dup = new LinkedHashMap<>();
        dup.put("first", (t, i) -> voidFirst());
        dup.put("duplicate", (t, i) -> duplicate("bench", knownVoid));
        dup.put("duplicateResult", (t, i) -> duplicate("bench-http", knownResult));
        Map<String, AbRun.Figures> d = ab.runAll(dup);
        report.add("inbox: duplicate vs first delivery, void handler (p50 ms)", "first delivery (void)",
                d.get("first").p50Millis(), d.get("duplicate").p50Millis(), Report.Goal.ratioAtMost(0.25), "");
        report.add("inbox: duplicate with stored result replayed vs first delivery (p50 ms)", "first delivery (void)",
                d.get("first").p50Millis(), d.get("duplicateResult").p50Millis(), Report.Goal.none(), "");

        int n = 100;
        DbCounters.settle();
        report.add("inbox: database work per message", "floor", 0, 0, Report.Goal.none(), "floor: "
                + DbCounters.measure(db, pool, n, (t, i) -> floor()) + "; void first delivery: "
                + DbCounters.measure(db, pool, n, (t, i) -> voidFirst()) + "; stored-result first delivery: "
                + DbCounters.measure(db, pool, n, (t, i) -> resultFirst()) + "; duplicate: "
                + DbCounters.measure(db, pool, n, (t, i) -> duplicate("bench", knownVoid)));

        long rows = db.queryLong("select count(*) from postbox_inbox");
        long completed = db.queryLong("select count(*) from postbox_inbox where status = 'COMPLETED'");
        long effects = db.queryLong("select count(*) from effect where msg like 'm-%' or msg like 'r-%'");
        long messages = voidKeys.get() + resultKeys.get();
        report.add("inbox: rows left that are not COMPLETED", 0, rows - completed, Report.Goal.valueAtMost(0, "rows"),
                completed + " completed records, " + effects + " effects for " + messages + " distinct messages");
        if (effects != messages) {
            throw new IllegalStateException("effects " + effects + " != messages " + messages);
        }
        runtime.close();
    }

    /** The floor: dedup insert (row count checked) and the handler's insert in one transaction. */
    private void floor() throws Exception {
        String key = "f-" + floorKeys.incrementAndGet();
        jta.begin();
        try {
            boolean first;
            try (Connection c = jta.dataSource().getConnection();
                    PreparedStatement dedup = c.prepareStatement("insert into bench_dedup (scope, key) values (?, ?) "
                            + "on conflict do nothing")) {
                dedup.setString(1, "bench");
                dedup.setString(2, key);
                first = dedup.executeUpdate() == 1;
            }
            if (first) {
                applyEffect(key);
            }
        } catch (Exception e) {
            jta.rollback();
            throw e;
        }
        jta.commit();
    }

    /** One inbox record, as a first delivery inserts it, in its own transaction. */
    private void insertRecord(String table) throws Exception {
        String key = "x-" + indexKeys.incrementAndGet();
        jta.begin();
        try (Connection c = jta.dataSource().getConnection();
                PreparedStatement insert = c.prepareStatement("insert into " + table + " (id, scope, idempotency_key, "
                        + "fingerprint, status, attempts, max_attempts) values (?, 'bench', ?, repeat('0', 64), "
                        + "'IN_PROGRESS', 1, 5)")) {
            insert.setObject(1, java.util.UUID.randomUUID());
            insert.setString(2, key);
            insert.executeUpdate();
        } catch (Exception e) {
            jta.rollback();
            throw e;
        }
        jta.commit();
    }

    private void voidFirst() {
        String key = "m-" + voidKeys.incrementAndGet();
        inbox.process("bench", key, payload(key), Void.class);
    }

    private void resultFirst() {
        String key = "r-" + resultKeys.incrementAndGet();
        inbox.process("bench-http", key, payload(key), Receipt.class);
    }

    private void duplicate(String scope, long known) {
        String key = (scope.equals("bench") ? "m-" : "r-") + (1 + (System.nanoTime() & 0x7fffffff) % known);
        Class<?> resultType = scope.equals("bench") ? Void.class : Receipt.class;
        inbox.process(scope, key, payload(key), resultType);
    }

    private static String payload(String key) {
        return "{\"msg\":\"" + key + "\",\"amount\":10,\"currency\":\"EUR\"}";
    }

    private void applyEffect(String msg) throws Exception {
        try (Connection c = jta.dataSource().getConnection();
                PreparedStatement insert = c.prepareStatement("insert into effect (msg, amount) values (?, 10)")) {
            insert.setString(1, msg);
            insert.executeUpdate();
        }
    }
}
