package dev.postbox.inbox.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.InboxAttempt;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.ProcessingDeadException;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.internal.InboxDatabase;
import dev.postbox.inbox.internal.cdi.InboxExtension;
import dev.postbox.inbox.internal.engine.InboxEngine;
import dev.postbox.inbox.internal.http.HttpExchange;
import jakarta.json.bind.JsonbException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.RollbackException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Failures that no retry can fix are definite answers, through the CDI interceptor (Weld SE, LocalJta, a real
 * database): recorded at once, never deferred, never retried; a JAX-RS method answers 422 and replays it; other
 * callers get the original exception and a DEAD record. {@code retryOn}/{@code abortOn} still override.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractDefiniteFailureCdiTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();

    /** The SQLState of a unique violation: PostgreSQL's 23505, MariaDB's class-wide 23000 (error 1062). */
    private String uniqueViolationState() {
        return product() == InboxDatabase.Product.POSTGRESQL ? "23505" : "23000";
    }

    /** The driver's words for a value too long for its column (22001), kept in the record's last_error. */
    private String tooLongText() {
        return product() == InboxDatabase.Product.POSTGRESQL ? "value too long" : "Data too long";
    }

    private static final String LONG_KEY = "k".repeat(300); // the inbox takes 512, the application's column 255

    private static WeldContainer container;
    private static OrderHandlers handlers;
    private static OrderResource resource;
    private static InboxHistory history;

    private final List<LogRecord> engineLog = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (engineLog) {
                engineLog.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    void start() {
        TestEnvironment.database = InboxDatabase.create(product(), "inbox_definite");
        TestEnvironment.database.db.execute("CREATE TABLE orders (idempotency_key varchar(255), "
                + "reference varchar(20) UNIQUE, amount bigint)", "INSERT INTO orders (reference) VALUES ('taken')");
        container = new Weld("inbox-definite-test").disableDiscovery().addExtension(new InboxExtension())
                .addBeanClasses(TestEnvironment.class, OrderHandlers.class, OrderResource.class).initialize();
        handlers = container.select(OrderHandlers.class).get();
        resource = container.select(OrderResource.class).get();
        history = container.select(InboxHistory.class).get();
    }

    @AfterAll
    static void stop() {
        if (container != null) {
            container.shutdown();
        }
    }

    @BeforeEach
    void listen() {
        synchronized (engineLog) {
            engineLog.clear(); // one instance runs every test (PER_CLASS): each test sees its own lines
        }
        Logger.getLogger(InboxEngine.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger(InboxEngine.class.getName()).removeHandler(capture);
    }

    @Test
    void aKeyTooLongForTheApplicationsColumnIsAnswered422OnceAndReplayedNeverRetried() {
        PaymentEvent order = new PaymentEvent("o-1", 40);
        Response first = answer(() -> resource.create(LONG_KEY, order));
        Response second = answer(() -> resource.create(LONG_KEY, order));

        assertThat(first.getStatus()).isEqualTo(422);
        assertThat(first.getHeaderString("Content-Type")).isEqualTo("application/problem+json");
        assertThat(first.getHeaderString("Idempotent-Replayed")).isNull();
        String body = (String) first.getEntity();
        assertThat(body).contains("\"status\":422", "\"failure\":\"data-exception\"", "\"sqlState\":\"22001\"")
                .doesNotContain("character varying", LONG_KEY); // no SQL text, no data
        // the duplicate: the same answer, marked as replayed, and the handler does not run again
        assertThat(second.getStatus()).isEqualTo(422);
        assertThat(second.getEntity()).isEqualTo(body);
        assertThat(second.getHeaderString("Content-Type")).isEqualTo("application/problem+json");
        assertThat(second.getHeaderString("Idempotent-Replayed")).isEqualTo("true");
        assertThat(resource.calls()).isEqualTo(1);

        InboxRecord record = history.find("orders-http", LONG_KEY).orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(record.httpStatus()).isEqualTo(422);
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.nextAttemptAt()).isNull(); // no retry scheduled
        assertThat(record.lastError()).contains("data exception (SQLState 22001").contains(tooLongText());
        assertThat(record.history()).extracting(InboxAttempt::outcome).containsExactly("COMPLETED");
        assertThat(TestEnvironment.database.db.queryLong("SELECT count(*) FROM orders WHERE amount = 40")).isZero();

        List<LogRecord> warnings = warnings();
        assertThat(warnings).hasSize(1);
        LogRecord line = warnings.get(0);
        assertThat(line.getThrown()).isNull();
        assertThat(line.getMessage()).contains("scope 'orders-http'", LONG_KEY, record.id().toString(),
                "data exception (SQLState 22001", "answered HTTP 422").doesNotContain("character varying");
    }

    @Test
    void retryOnNamingTheSqlErrorMakesTheSameFailureA202WithAScheduledRetry() {
        PaymentEvent order = new PaymentEvent("o-2", 41);
        Response first = answer(() -> resource.createRetrying(LONG_KEY, order));
        assertThat(first.getStatus()).isEqualTo(202);
        InboxRecord record = history.find("orders-http-retrying", LONG_KEY).orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.FAILED);
        assertThat(record.nextAttemptAt()).isNotNull();
        assertThat(answer(() -> resource.createRetrying(LONG_KEY, order)).getStatus()).isEqualTo(202);
        assertThat(resource.retryingCalls()).isEqualTo(1);
    }

    @Test
    void aDataErrorOfAMessageHandlerIsDeadAtOnceAndTheCallerSeesTheOriginalException() {
        PaymentEvent event = new PaymentEvent("ref-longer-than-twenty-characters", 1);
        assertThatThrownBy(() -> handlers.place(event)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("22001"));
        assertDeadAtOnce("orders-data", event.getId(), "data exception (SQLState 22001");
        assertThatThrownBy(() -> handlers.place(event)).isInstanceOf(ProcessingDeadException.class);
        assertThat(handlers.calls("place")).isEqualTo(1);
    }

    @Test
    void anIntegrityViolationIsDeadAtOnceEvenForAVoidMethod() {
        PaymentEvent event = new PaymentEvent("u-1", 1);
        // a void method's retryable failure returns quietly (deferred); a definite one is the caller's to see
        assertThatThrownBy(() -> handlers.placeTaken(event)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo(uniqueViolationState()));
        assertDeadAtOnce("orders-unique", "u-1", "integrity constraint violation (SQLState " + uniqueViolationState());
        assertThatThrownBy(() -> handlers.placeTaken(event)).isInstanceOf(ProcessingDeadException.class);
        assertThat(handlers.calls("placeTaken")).isEqualTo(1);
    }

    @Test
    void aDataErrorAtCommitIsFoundInsideTheRollbackException() {
        PaymentEvent event = new PaymentEvent("flushed-reference-too-long", 1);
        assertThatThrownBy(() -> handlers.placeAtCommit(event)).isInstanceOf(RollbackException.class);
        assertDeadAtOnce("orders-at-commit", event.getId(), "data exception (SQLState 22001");
        assertThat(handlers.calls("placeAtCommit")).isEqualTo(1);
    }

    @Test
    void aJaxRsClientErrorFromACallTheHandlerMadeIsDeadAtOnceButA429IsRetried() {
        assertThatThrownBy(() -> handlers.lookUp(new PaymentEvent("c-1", 1))).isInstanceOf(NotFoundException.class);
        assertDeadAtOnce("customer-lookup", "c-1", "HTTP client error (HTTP 404, jakarta.ws.rs.NotFoundException)");
        assertThat(handlers.calls("lookUp")).isEqualTo(1);

        assertThatThrownBy(() -> handlers.throttled(new PaymentEvent("c-2", 1)))
                .isInstanceOf(ProcessingDeferredException.class);
        InboxRecord throttled = history.find("customer-throttled", "c-2").orElseThrow();
        assertThat(throttled.status()).isEqualTo(InboxStatus.FAILED);
        assertThat(throttled.nextAttemptAt()).isNotNull();
    }

    @Test
    void aJsonbBindingErrorIsDeadAtOnce() {
        assertThatThrownBy(() -> handlers.bind(new PaymentEvent("b-1", 1))).isInstanceOf(JsonbException.class);
        assertDeadAtOnce("orders-binding", "b-1", "JSON-B binding error");
        assertThat(handlers.calls("bind")).isEqualTo(1);
    }

    @Test
    void retryOnNamingTheSqlErrorDefersAndRetriesADataError() {
        PaymentEvent event = new PaymentEvent("retried-reference-too-long", 1);
        assertThatThrownBy(() -> handlers.placeRetrying(event)).isInstanceOf(ProcessingDeferredException.class)
                .hasRootCauseInstanceOf(SQLException.class);
        InboxRecord record = history.find("orders-retry-data", event.getId()).orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.FAILED);
        assertThat(record.nextAttemptAt()).isNotNull();
        assertThat(record.lastError()).doesNotContain("no retry can fix");
        // the duplicate while the retry waits is deferred too; the handler does not run
        assertThatThrownBy(() -> handlers.placeRetrying(event)).isInstanceOf(ProcessingDeferredException.class);
        assertThat(handlers.calls("placeRetrying")).isEqualTo(1);
    }

    @Test
    void abortOnNamingTheSqlErrorStillMakesTheRecordDead() {
        PaymentEvent event = new PaymentEvent("aborted-reference-too-long", 1);
        assertThatThrownBy(() -> handlers.placeAborting(event)).isInstanceOf(SQLException.class);
        InboxRecord record = history.find("orders-abort", event.getId()).orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.DEAD);
        assertThat(record.lastError()).doesNotContain("no retry can fix");
        assertThat(warnings()).singleElement().satisfies(w -> assertThat(w.getMessage()).contains("(not retryable)"));
    }

    private void assertDeadAtOnce(String scope, String key, String failureClass) {
        InboxRecord record = history.find(scope, key).orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.DEAD);
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.nextAttemptAt()).isNull();
        assertThat(record.lastError()).contains("no retry can fix").contains(failureClass);
        List<LogRecord> warnings = warnings();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getThrown()).isNull();
        assertThat(warnings.get(0).getMessage()).contains("scope '" + scope + "'", "key '" + key + "'",
                record.id().toString(), failureClass, "is DEAD");
    }

    private List<LogRecord> warnings() {
        synchronized (engineLog) {
            return engineLog.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        }
    }

    /** Calls a resource method inside a stand-in HTTP exchange and returns its answer (thrown or returned). */
    private static Response answer(Callable<Response> work) {
        try {
            return call(work);
        } catch (WebApplicationException e) {
            return e.getResponse();
        }
    }

    private static <T> T call(Callable<T> work) {
        Map<String, String> responseHeaders = new HashMap<>();
        ClassLoader loader = AbstractDefiniteFailureCdiTest.class.getClassLoader();
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(loader,
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> "Idempotency-Key".equalsIgnoreCase((String) args[0]) ? LONG_KEY : null;
                    case "getUserPrincipal" -> null; // anonymous
                    case "toString" -> "test request";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(loader,
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "setHeader" -> responseHeaders.put((String) args[0], (String) args[1]);
                    case "isCommitted" -> false;
                    case "toString" -> "test response";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        try {
            return HttpExchange.with(new HttpExchange(request, response), work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
