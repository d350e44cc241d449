package dev.postbox.bench;

import dev.postbox.outbox.OutboxEvent;
import dev.postbox.outbox.internal.JsonbPayloadSerializer;
import dev.postbox.outbox.internal.OutboxSettings;
import dev.postbox.outbox.internal.TransactionalOutbox;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.jta.LocalJta;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;

/**
 * Outbox write overhead: the same business transaction with and without one outbox event, on a real PostgreSQL
 * with {@code synchronous_commit=on}, through the outbox's production code path (per-transaction buffer written in
 * beforeCompletion on the transaction's connection).
 */
public final class OutboxWriteBench {

    public record PaymentCaptured(String paymentId, String account, BigDecimal amount, String currency) {
    }

    private final LocalJta jta;
    private final TransactionalOutbox outbox;

    OutboxWriteBench(PostgresServer server) {
        PostgresServer.Database db = server.createDatabase("bench_outbox");
        db.execute(Sql.script("V1_1__postbox_outbox.sql"), "create table payment (id bigserial primary key, account varchar(64), amount numeric(12,2),"
                + " created timestamptz default now())",
                "create table account (id varchar(64) primary key, balance numeric(14,2) not null)",
                "create table ledger (id bigserial primary key, account varchar(64), delta numeric(12,2))",
                "insert into account select 'acc-' || i, 0 from generate_series(0, 63) i",
                "insert into account select 'fee-' || i, 0 from generate_series(0, 63) i");
        this.jta = new LocalJta(new ThreadConnections(db.dataSource()));
        this.outbox = new TransactionalOutbox(OutboxSettings.defaults(), jta, jta.dataSource(),
                new JsonbPayloadSerializer());
    }

    List<AbRun.Result> run(AbRun ab) throws Exception {
        AbRun.Result oneRow = ab.run("outbox: 1-statement tx + 1 event", (t, i) -> oneRow(t, i, false),
                (t, i) -> oneRow(t, i, true));
        AbRun.Result fiveRows = ab.run("outbox: 5-statement tx + 1 event", (t, i) -> fiveRows(t, i, false),
                (t, i) -> fiveRows(t, i, true));
        return List.of(oneRow, fiveRows);
    }

    private void oneRow(int thread, long i, boolean withEvent) throws Exception {
        jta.begin();
        try (Connection c = jta.dataSource().getConnection();
                PreparedStatement insert = c.prepareStatement("insert into payment (account, amount) values (?, ?)")) {
            insert.setString(1, "acc-" + thread);
            insert.setBigDecimal(2, BigDecimal.TEN);
            insert.executeUpdate();
            if (withEvent) {
                outbox.publish(OutboxEvent.of("Payment", "acc-" + thread + "-" + i, "PaymentCaptured",
                        new PaymentCaptured("p-" + i, "acc-" + thread, BigDecimal.TEN, "EUR")));
            }
        } catch (Exception e) {
            jta.rollback();
            throw e;
        }
        jta.commit();
    }

    private void fiveRows(int thread, long i, boolean withEvent) throws Exception {
        jta.begin();
        try (Connection c = jta.dataSource().getConnection()) {
            String account = "acc-" + thread;
            try (PreparedStatement insert = c.prepareStatement("insert into payment (account, amount) values (?, ?)")) {
                insert.setString(1, account);
                insert.setBigDecimal(2, BigDecimal.TEN);
                insert.executeUpdate();
            }
            try (PreparedStatement update = c.prepareStatement("update account set balance = balance + ? where id = ?")) {
                update.setBigDecimal(1, BigDecimal.TEN);
                update.setString(2, account);
                update.executeUpdate();
                update.setBigDecimal(1, BigDecimal.ONE.negate());
                update.setString(2, "fee-" + thread);
                update.executeUpdate();
            }
            try (PreparedStatement ledger = c.prepareStatement("insert into ledger (account, delta) values (?, ?)")) {
                ledger.setString(1, account);
                ledger.setBigDecimal(2, BigDecimal.TEN);
                ledger.executeUpdate();
                ledger.setString(1, "fee-" + thread);
                ledger.setBigDecimal(2, BigDecimal.ONE.negate());
                ledger.executeUpdate();
            }
            if (withEvent) {
                outbox.publish(OutboxEvent.of("Payment", account + "-" + i, "PaymentCaptured",
                        new PaymentCaptured("p-" + i, account, BigDecimal.TEN, "EUR")));
            }
        } catch (Exception e) {
            jta.rollback();
            throw e;
        }
        jta.commit();
    }
}
