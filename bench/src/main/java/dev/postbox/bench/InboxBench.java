package dev.postbox.bench;

import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.inbox.internal.JtaTransactions;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.jta.LocalJta;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inbox costs: a first delivery (claim, handler, completion) against the handler's own work in a plain
 * transaction, and a duplicate (answered from the stored record) against a first delivery.
 */
final class InboxBench {

    private final PostgresServer.Database db;
    private final LocalJta jta;
    private final InboxRuntime runtime;
    private final Inbox inbox;
    private final AtomicLong keys = new AtomicLong();
    private volatile long firstDeliveries;

    InboxBench(PostgresServer server) {
        db = server.createDatabase("bench_inbox");
        db.execute(Sql.script("V1_2__postbox_inbox.sql"), Sql.script("V1_4__postbox_inbox_steps.sql"),
                "create table effect (id bigserial primary key, msg varchar(64) not null, amount int not null)");
        jta = new LocalJta(new ThreadConnections(db.dataSource()));
        runtime = InboxRuntime.builder().dataSource(jta.dataSource()).transactions(new JtaTransactions(jta))
                .config(InboxConfig.defaults()).build();
        inbox = runtime.inbox();
        inbox.register("bench", payload -> {
            applyEffect(payload.substring(8, payload.indexOf('"', 8)));
            return null;
        });
    }

    void run(Report report, AbRun ab) throws Exception {
        AbRun.Result first = ab.run("inbox: first delivery vs plain insert tx", (t, i) -> plainInsert(t, i),
                (t, i) -> firstDelivery());
        report.add("inbox: first delivery cost (ms per message, p50)", first.baseline().p50Millis(),
                first.candidate().p50Millis(), "<= 1.2x", "baseline: the handler's insert in a plain transaction");
        report.add("inbox: first delivery throughput (msg/s)", first.baseline().opsPerSecond(),
                first.candidate().opsPerSecond(), "-", "");

        long known = keys.get();
        AbRun.Result duplicate = ab.run("inbox: duplicate vs first delivery", (t, i) -> firstDelivery(),
                (t, i) -> duplicate(known));
        report.add("inbox: duplicate rejection cost (ms, p50)", duplicate.baseline().p50Millis(),
                duplicate.candidate().p50Millis(), "< 1x", "baseline: a first delivery");

        long rows = db.queryLong("select count(*) from postbox_inbox");
        long completed = db.queryLong("select count(*) from postbox_inbox where status = 'COMPLETED'");
        long effects = db.queryLong("select count(*) from effect where msg like 'm-%'");
        report.add("inbox: rows left that are not COMPLETED (dead, failed, in progress)", 0, rows - completed,
                "0", completed + " completed records, " + effects + " effects for " + keys.get()
                        + " distinct messages");
        if (effects != keys.get()) {
            throw new IllegalStateException("effects " + effects + " != messages " + keys.get());
        }
        runtime.close();
    }

    private void plainInsert(int thread, long i) throws Exception {
        jta.begin();
        try {
            applyEffect("plain-" + thread + "-" + i);
        } catch (Exception e) {
            jta.rollback();
            throw e;
        }
        jta.commit();
    }

    private void firstDelivery() {
        String key = "m-" + keys.incrementAndGet();
        inbox.process("bench", key, "{\"msg\":\"" + key + "\",\"amount\":10,\"currency\":\"EUR\"}", Void.class);
    }

    private void duplicate(long known) {
        String key = "m-" + (1 + (System.nanoTime() & 0x7fffffff) % known);
        inbox.process("bench", key, "{\"msg\":\"" + key + "\",\"amount\":10,\"currency\":\"EUR\"}", Void.class);
    }

    private void applyEffect(String msg) throws Exception {
        try (Connection c = jta.dataSource().getConnection();
                PreparedStatement insert = c.prepareStatement("insert into effect (msg, amount) values (?, 10)")) {
            insert.setString(1, msg);
            insert.executeUpdate();
        }
    }
}
