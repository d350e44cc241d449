package dev.postbox.bench;

import dev.postbox.outbox.Outbox;
import dev.postbox.outbox.OutboxEvent;
import dev.postbox.outbox.internal.UuidV7;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.jta.LocalJta;
import dev.postbox.testkit.jta.LocalJtaPlatform;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

/**
 * Outbox write cost against the physical floor and against the JPA-entity peer, on a real PostgreSQL with
 * {@code synchronous_commit=on}, all variants of a group in rotating rounds of the same run.
 *
 * <ul>
 *   <li><b>floor</b>: the business transaction plus a hand-written JDBC {@code INSERT} of the identical outbox row
 *       (same table, columns, indexes, a UUIDv7 id like Postbox's) on the transaction's connection, the payload
 *       already serialized: the least any transactional outbox must do;</li>
 *   <li><b>JPA-entity peer</b>: the same event as an entity persisted through the {@code EntityManager} in the same
 *       transaction (how Debezium's Quarkus outbox extension writes), payload serialized with JSON-B there;</li>
 *   <li><b>Postbox</b>: {@code Outbox.publish} (the CDI bean applications inject), and an entity that raises its
 *       event (Postbox's Hibernate integration writes it through the session's connection).</li>
 * </ul>
 * The JDBC groups run the business transaction with plain JDBC; the JPA group with Hibernate in JTA mode on the
 * test kit's LocalJta, the outbox reached through Weld SE as on a server.
 */
public final class OutboxWriteBench implements AutoCloseable {

    public record PaymentCaptured(String paymentId, String account, BigDecimal amount, String currency) {
    }

    private static final String FLOOR_SQL = "insert into outbox_event (id, aggregatetype, aggregateid, type, payload, "
            + "\"timestamp\", headers, tracingspancontext) values (?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?)";

    private final PostgresServer.Database db;
    private final ThreadConnections pool;
    private final LocalJta jta;
    private final WeldContainer weld;
    private final Outbox outbox;
    private final EntityManagerFactory emf;
    private final Jsonb jsonb = JsonbBuilder.create();
    /** The floor's payload, serialized once: the floor does no serialization at all. */
    private final String preSerialized;
    private final AtomicLong ids = new AtomicLong();

    OutboxWriteBench(PostgresServer server) {
        this.db = server.createDatabase("bench_outbox");
        db.execute(Sql.script("V1_1__postbox_outbox.sql"), "create table payment (id varchar(64) primary key, "
                + "account varchar(64), amount numeric(12,2), created timestamptz default now())",
                "create table account (id varchar(64) primary key, balance numeric(14,2) not null)",
                "create table ledger (id bigserial primary key, account varchar(64), delta numeric(12,2))",
                "insert into account select 'acc-' || i, 0 from generate_series(0, 63) i",
                "insert into account select 'fee-' || i, 0 from generate_series(0, 63) i");
        this.pool = new ThreadConnections(db.dataSource());
        jta = new LocalJta(pool);
        BenchOutboxEnvironment.jta = jta;
        System.setProperty("postbox.outbox.datasource", "java:app/jdbc/bench");
        ConfigProviderResolver.instance().releaseConfig(ConfigProvider.getConfig());
        Weld w = new Weld("bench-outbox").disableDiscovery().addBeanClass(BenchOutboxEnvironment.class);
        ServiceLoader.load(Extension.class).stream().map(ServiceLoader.Provider::get)
                .filter(e -> e.getClass().getName().startsWith("dev.postbox.outbox")).forEach(w::addExtension);
        this.weld = w.initialize();
        this.outbox = weld.select(Outbox.class).get();
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("jakarta.persistence.jtaDataSource", jta.jpaDataSource());
        props.put("hibernate.transaction.jta.platform", new LocalJtaPlatform(jta));
        props.put("hibernate.show_sql", "false");
        this.emf = Persistence.createEntityManagerFactory("bench", props);
        this.preSerialized = jsonb.toJson(new PaymentCaptured("p-0", "acc-0", BigDecimal.TEN, "EUR"));
    }

    void run(Report report, AbRun ab) throws Exception {
        // 1. plain JDBC business transaction of one statement
        Map<String, AbRun.Operation> jdbc = new LinkedHashMap<>();
        jdbc.put("bare", (t, i) -> jdbcTx(t, i, 1, Mode.NONE));
        jdbc.put("floor", (t, i) -> jdbcTx(t, i, 1, Mode.FLOOR));
        jdbc.put("publish", (t, i) -> jdbcTx(t, i, 1, Mode.PUBLISH));
        Map<String, AbRun.Figures> one = ab.runAll(jdbc);
        String g = "outbox, JDBC 1-statement tx";
        throughput(report, g + ": floor vs tx without event", "tx without event", one.get("bare"), one.get("floor"),
                Report.Goal.none(), "what one more INSERT costs on loopback");
        throughput(report, g + ": Outbox.publish vs floor", "floor (JDBC INSERT)", one.get("floor"),
                one.get("publish"), Report.Goal.ratioAtLeast(0.95), "");
        p99(report, g + ": Outbox.publish vs floor", "floor (JDBC INSERT)", one.get("floor"), one.get("publish"));

        if (Boolean.getBoolean("bench.outbox.decompose")) {
            decompose(report, ab);
        }

        // 2. plain JDBC business transaction of five statements
        Map<String, AbRun.Operation> five = new LinkedHashMap<>();
        five.put("floor", (t, i) -> jdbcTx(t, i, 5, Mode.FLOOR));
        five.put("publish", (t, i) -> jdbcTx(t, i, 5, Mode.PUBLISH));
        Map<String, AbRun.Figures> f = ab.runAll(five);
        g = "outbox, JDBC 5-statement tx";
        throughput(report, g + ": Outbox.publish vs floor", "floor (JDBC INSERT)", f.get("floor"), f.get("publish"),
                Report.Goal.ratioAtLeast(0.95), "");

        // 3. JPA business transaction (Hibernate, JTA)
        Map<String, AbRun.Operation> jpa = new LinkedHashMap<>();
        jpa.put("floor", (t, i) -> jpaTx(t, Mode.FLOOR));
        jpa.put("peer", (t, i) -> jpaTx(t, Mode.PEER));
        jpa.put("publish", (t, i) -> jpaTx(t, Mode.PUBLISH));
        jpa.put("entity", (t, i) -> jpaTx(t, Mode.ENTITY));
        Map<String, AbRun.Figures> j = ab.runAll(jpa);
        g = "outbox, JPA tx";
        throughput(report, g + ": JPA-entity peer vs floor", "floor (JDBC INSERT)", j.get("floor"), j.get("peer"),
                Report.Goal.none(), "for reference");
        throughput(report, g + ": Outbox.publish vs floor", "floor (JDBC INSERT)", j.get("floor"), j.get("publish"),
                Report.Goal.ratioAtLeast(0.95), "");
        throughput(report, g + ": entity raising an event vs floor", "floor (JDBC INSERT)", j.get("floor"),
                j.get("entity"), Report.Goal.ratioAtLeast(0.95), "");
        throughput(report, g + ": Outbox.publish vs JPA-entity peer", "JPA-entity peer", j.get("peer"),
                j.get("publish"), Report.Goal.ratioAtLeast(1.0), "");
        throughput(report, g + ": entity raising an event vs JPA-entity peer", "JPA-entity peer", j.get("peer"),
                j.get("entity"), Report.Goal.ratioAtLeast(1.0), "");
        p99(report, g + ": entity raising an event vs floor", "floor (JDBC INSERT)", j.get("floor"), j.get("entity"));
        counters(report);
    }

    /** Commits and new connections per transaction of each JPA variant (explains a ratio, see DbCounters). */
    void counters(Report report) throws Exception {
        int n = 100;
        DbCounters.settle();
        report.add("outbox: database work per transaction", "floor", 0, 0, Report.Goal.none(), "JPA floor: "
                + DbCounters.measure(db, pool, n, (t, i) -> jpaTx(t, Mode.FLOOR)) + "; JPA peer: "
                + DbCounters.measure(db, pool, n, (t, i) -> jpaTx(t, Mode.PEER)) + "; publish: "
                + DbCounters.measure(db, pool, n, (t, i) -> jpaTx(t, Mode.PUBLISH)) + "; entity: "
                + DbCounters.measure(db, pool, n, (t, i) -> jpaTx(t, Mode.ENTITY)));
    }

    private static void throughput(Report report, String figure, String baselineName, AbRun.Figures baseline,
            AbRun.Figures candidate, Report.Goal goal, String note) {
        report.add(figure + " (tx/s)", baselineName, baseline.opsPerSecond(), candidate.opsPerSecond(), goal, note);
    }

    private static void p99(Report report, String figure, String baselineName, AbRun.Figures baseline,
            AbRun.Figures candidate) {
        report.add(figure + " (p99 ms)", baselineName, baseline.p99Millis(), candidate.p99Millis(),
                Report.Goal.none(), "");
    }

    private enum Mode { NONE, FLOOR, FLOOR_SERIALIZED, FLOOR_BATCH, PEER, PUBLISH, ENTITY }

    /**
     * Where the gap between the floor and {@code Outbox.publish} goes (-Dbench.outbox.decompose=true): the floor
     * plus JSON-B serialization of the payload in the transaction, the floor through addBatch/executeBatch (as
     * Postbox's writer does), and publish.
     */
    private void decompose(Report report, AbRun ab) throws Exception {
        Map<String, AbRun.Operation> steps = new LinkedHashMap<>();
        steps.put("floor", (t, i) -> jdbcTx(t, i, 1, Mode.FLOOR));
        steps.put("serialized", (t, i) -> jdbcTx(t, i, 1, Mode.FLOOR_SERIALIZED));
        steps.put("batch", (t, i) -> jdbcTx(t, i, 1, Mode.FLOOR_BATCH));
        steps.put("publish", (t, i) -> jdbcTx(t, i, 1, Mode.PUBLISH));
        Map<String, AbRun.Figures> d = ab.runAll(steps);
        String g = "outbox decomposition, JDBC 1-statement tx";
        throughput(report, g + ": floor + JSON-B serialization", "floor (JDBC INSERT)", d.get("floor"),
                d.get("serialized"), Report.Goal.none(), "");
        throughput(report, g + ": floor through executeBatch", "floor (JDBC INSERT)", d.get("floor"),
                d.get("batch"), Report.Goal.none(), "");
        throughput(report, g + ": Outbox.publish", "floor (JDBC INSERT)", d.get("floor"), d.get("publish"),
                Report.Goal.none(), "");
    }

    private void jdbcTx(int thread, long i, int statements, Mode mode) throws Exception {
        String account = "acc-" + thread;
        String id = "p-" + ids.incrementAndGet();
        jta.begin();
        try (Connection c = jta.dataSource().getConnection()) {
            try (PreparedStatement insert = c.prepareStatement("insert into payment (id, account, amount) "
                    + "values (?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, account);
                insert.setBigDecimal(3, BigDecimal.TEN);
                insert.executeUpdate();
            }
            if (statements == 5) {
                try (PreparedStatement update = c.prepareStatement("update account set balance = balance + ? "
                        + "where id = ?")) {
                    update.setBigDecimal(1, BigDecimal.TEN);
                    update.setString(2, account);
                    update.executeUpdate();
                    update.setBigDecimal(1, BigDecimal.ONE.negate());
                    update.setString(2, "fee-" + thread);
                    update.executeUpdate();
                }
                try (PreparedStatement ledger = c.prepareStatement("insert into ledger (account, delta) "
                        + "values (?, ?)")) {
                    ledger.setString(1, account);
                    ledger.setBigDecimal(2, BigDecimal.TEN);
                    ledger.executeUpdate();
                    ledger.setString(1, "fee-" + thread);
                    ledger.setBigDecimal(2, BigDecimal.ONE.negate());
                    ledger.executeUpdate();
                }
            }
            if (mode == Mode.FLOOR) {
                floorInsert(c, account + "-" + i);
            } else if (mode == Mode.FLOOR_SERIALIZED || mode == Mode.FLOOR_BATCH) {
                String payload = mode == Mode.FLOOR_SERIALIZED
                        ? jsonb.toJson(new PaymentCaptured(id, account, BigDecimal.TEN, "EUR")) : preSerialized;
                try (PreparedStatement insert = c.prepareStatement(FLOOR_SQL)) {
                    insert.setObject(1, UuidV7.next());
                    insert.setString(2, "Payment");
                    insert.setString(3, account + "-" + i);
                    insert.setString(4, "PaymentCaptured");
                    insert.setString(5, payload);
                    insert.setTimestamp(6, Timestamp.from(Instant.now()));
                    insert.setString(7, "{}");
                    insert.setString(8, null);
                    if (mode == Mode.FLOOR_BATCH) {
                        insert.addBatch();
                        insert.executeBatch();
                    } else {
                        insert.executeUpdate();
                    }
                }
            } else if (mode == Mode.PUBLISH) {
                outbox.publish(OutboxEvent.of("Payment", account + "-" + i, "PaymentCaptured",
                        new PaymentCaptured(id, account, BigDecimal.TEN, "EUR")));
            }
        } catch (Exception e) {
            jta.rollback();
            throw e;
        }
        jta.commit();
    }

    private void jpaTx(int thread, Mode mode) throws Exception {
        String account = "acc-" + thread;
        String id = "p-" + ids.incrementAndGet();
        jta.begin();
        EntityManager em = emf.createEntityManager();
        try {
            if (mode == Mode.ENTITY) {
                em.persist(new JpaEntities.EventfulPayment(id, account, BigDecimal.TEN, id,
                        new PaymentCaptured(id, account, BigDecimal.TEN, "EUR")));
            } else {
                em.persist(new JpaEntities.Payment(id, account, BigDecimal.TEN));
            }
            switch (mode) {
                case FLOOR -> {
                    try (Connection c = jta.dataSource().getConnection()) {
                        floorInsert(c, id);
                    }
                }
                case PEER -> em.persist(new JpaEntities.OutboxRow(UuidV7.next(), "Payment", id, "PaymentCaptured",
                        jsonb.toJson(new PaymentCaptured(id, account, BigDecimal.TEN, "EUR"))));
                case PUBLISH -> outbox.publish(OutboxEvent.of("Payment", id, "PaymentCaptured",
                        new PaymentCaptured(id, account, BigDecimal.TEN, "EUR")));
                default -> {
                }
            }
        } catch (Exception e) {
            em.close();
            jta.rollback();
            throw e;
        }
        jta.commit();
        em.close();
    }

    private void floorInsert(Connection c, String aggregateId) throws Exception {
        try (PreparedStatement insert = c.prepareStatement(FLOOR_SQL)) {
            insert.setObject(1, UuidV7.next());
            insert.setString(2, "Payment");
            insert.setString(3, aggregateId);
            insert.setString(4, "PaymentCaptured");
            insert.setString(5, preSerialized);
            insert.setTimestamp(6, Timestamp.from(Instant.now()));
            insert.setString(7, "{}");
            insert.setString(8, null);
            insert.executeUpdate();
        }
    }

    @Override
    public void close() {
        emf.close();
        weld.shutdown();
    }
}
