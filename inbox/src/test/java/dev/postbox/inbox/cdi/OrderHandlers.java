package dev.postbox.inbox.cdi;

import dev.postbox.inbox.Idempotent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.JsonbBuilder;
import jakarta.transaction.Synchronization;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Message handlers whose failures no retry can fix, written as an application would: the business table
 * {@code orders} has {@code reference varchar(20) UNIQUE}.
 */
@ApplicationScoped
public class OrderHandlers {

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** The reference does not fit varchar(20): SQLState 22001 from the driver, thrown as is. */
    @Idempotent(scope = "orders-data", key = "event.id")
    public String place(PaymentEvent event) throws SQLException {
        count("place");
        insertOrder(event.getId());
        return "placed " + event.getId();
    }

    /** A reference that exists already: unique violation 23505. A void method, so a retry would be silent. */
    @Idempotent(scope = "orders-unique", key = "event.id")
    public void placeTaken(PaymentEvent event) throws SQLException {
        count("placeTaken");
        insertOrder("taken");
    }

    /** The too-long insert runs at commit, as a JPA flush does: the failure arrives inside a RollbackException. */
    @Idempotent(scope = "orders-at-commit", key = "event.id")
    public void placeAtCommit(PaymentEvent event) throws Exception {
        count("placeAtCommit");
        TestEnvironment.database.jta.getTransaction().registerSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                try {
                    insertOrder(event.getId());
                } catch (SQLException e) {
                    throw new IllegalStateException("flush failed", e);
                }
            }

            @Override
            public void afterCompletion(int status) {
            }
        });
    }

    /** A downstream API says the customer does not exist: a JAX-RS 404 from a call the handler made. */
    @Idempotent(scope = "customer-lookup", key = "event.id")
    public void lookUp(PaymentEvent event) {
        count("lookUp");
        throw new NotFoundException("customer " + event.getId() + " not found");
    }

    /** A downstream API says "too many requests": retryable, as every 429. */
    @Idempotent(scope = "customer-throttled", key = "event.id", initialDelay = "PT30S")
    public String throttled(PaymentEvent event) {
        count("throttled");
        throw new ClientErrorException("slow down", 429);
    }

    /** The handler binds a nested document that does not fit its type: a JSON-B binding error. */
    @Idempotent(scope = "orders-binding", key = "event.id")
    public long bind(PaymentEvent event) throws Exception {
        count("bind");
        try (var jsonb = JsonbBuilder.create()) {
            return jsonb.fromJson("{\"id\":\"" + event.getId() + "\",\"amount\":\"twelve\"}", PaymentEvent.class)
                    .getAmount();
        }
    }

    /** This method knows its data errors pass (a column being widened by a migration): it retries them. */
    @Idempotent(scope = "orders-retry-data", key = "event.id", retryOn = SQLException.class,
            initialDelay = "PT30S")
    public String placeRetrying(PaymentEvent event) throws SQLException {
        count("placeRetrying");
        insertOrder(event.getId());
        return "placed " + event.getId();
    }

    /** abortOn names the data error: DEAD (not a definite answer), as abortOn always did. */
    @Idempotent(scope = "orders-abort", key = "event.id", abortOn = SQLException.class)
    public void placeAborting(PaymentEvent event) throws SQLException {
        count("placeAborting");
        insertOrder(event.getId());
    }

    static void insertOrder(String reference) throws SQLException {
        try (var c = TestEnvironment.database.jta.dataSource().getConnection();
                var ps = c.prepareStatement("INSERT INTO orders (reference) VALUES (?)")) {
            ps.setString(1, reference);
            ps.executeUpdate();
        }
    }

    int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    private void count(String method) {
        calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    }
}
