package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxScopeStatus;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.ScopeUnavailableException;
import java.sql.SQLDataException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The circuit breaker of a scope on a real database: opens after K transient failures, calls nobody while open
 * (deliveries recorded and deferred, due retries left due), one probe after the cool-down (shared by instances),
 * closes on the probe's success and the backlog runs once per record. Cool-downs are an hour long and ended by
 * hand ({@link #coolDownOver}), so no test waits for one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractScopeBreakerTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();


    private static InboxDatabase database;

    @BeforeAll
    void start() {
        database = InboxDatabase.create(product(), "inbox_breaker");
    }

    private static Map<String, String> breaker(String scope, int threshold) {
        Map<String, String> config = new HashMap<>();
        config.put("postbox.inbox.\"" + scope + "\".breaker.failure-threshold", String.valueOf(threshold));
        config.put("postbox.inbox.\"" + scope + "\".breaker.cool-down", "PT1H");
        config.put("postbox.inbox.\"" + scope + "\".max-attempts", "20");
        config.put("postbox.inbox.scheduler.enabled", "false");
        return config;
    }

    /** A ledger API that is down while {@code down} is set; every call is counted, every success writes an effect. */
    private static final class Ledger {
        final AtomicBoolean down = new AtomicBoolean(true);
        final AtomicInteger calls = new AtomicInteger();

        void register(InboxRuntime runtime, String scope) {
            runtime.inbox().register(scope, payload -> {
                calls.incrementAndGet();
                if (down.get()) {
                    throw new java.net.ConnectException("ledger API refused the connection");
                }
                String key = payload.substring(payload.indexOf(":\"") + 2, payload.lastIndexOf('"'));
                database.effect(scope, key, "booked");
                return "booked " + key;
            });
        }
    }

    private static String payload(String key) {
        return "{\"k\":\"" + key + "\"}";
    }

    private static ProcessingDeferredException deliver(InboxRuntime runtime, String scope, String key) {
        return catchThrowableOfType(ProcessingDeferredException.class,
                () -> runtime.inbox().process(scope, key, payload(key), String.class));
    }

    /** Ends the cool-down now, as the clock would after {@code breaker.cool-down}. */
    private static void coolDownOver(String scope) {
        database.db.execute("UPDATE postbox_inbox_breaker SET open_until = clock_timestamp() - interval '1 ms' "
                + "WHERE scope = '" + scope + "'");
    }

    private static InboxStatus status(InboxRuntime runtime, String scope, String key) {
        return runtime.history().find(scope, key).map(InboxRecord::status).orElse(null);
    }

    /** The INFO lines of the breaker (open, half-open, close) of one scope. */
    private static final class BreakerLog extends Handler implements AutoCloseable {
        private static final Logger LOGGER = Logger.getLogger("dev.postbox.inbox.internal.breaker.ScopeGuard");
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final String scope;

        BreakerLog(String scope) {
            this.scope = scope;
            LOGGER.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel() == Level.INFO && record.getMessage().contains("'" + scope + "'")) {
                lines.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            LOGGER.removeHandler(this);
        }
    }

    @Test
    void afterKFailuresTheScopeOpensAndNeitherDeliveriesNorDueRetriesCallTheHandler() throws Exception {
        String scope = "ledger-open";
        InboxRuntime runtime = database.runtime(breaker(scope, 3));
        Ledger ledger = new Ledger();
        ledger.register(runtime, scope);
        BreakerLog log = new BreakerLog(scope);
        for (int i = 1; i <= 3; i++) {
            assertThat(deliver(runtime, scope, "p-" + i).getCause()).isNotInstanceOf(ScopeUnavailableException.class);
        }
        log.close();
        assertThat(log.lines).singleElement().asString().contains("circuit OPEN after 3 consecutive failure(s)")
                .contains("PT1H");
        assertThat(ledger.calls).hasValue(3);
        InboxScopeStatus open = runtime.history().scopeStatus(scope);
        assertThat(open.breaker()).isEqualTo(InboxScopeStatus.Breaker.OPEN);
        assertThat(open.consecutiveFailures()).isEqualTo(3);
        assertThat(open.opens()).isEqualTo(1);
        assertThat(open.openUntil()).isAfter(open.openedAt().plusSeconds(3500));

        // a new delivery: recorded (RECEIVED, no attempt), deferred at once, handler not called
        ProcessingDeferredException deferred = deliver(runtime, scope, "p-4");
        assertThat(deferred.getCause()).isInstanceOfSatisfying(ScopeUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(ScopeUnavailableException.Reason.CIRCUIT_OPEN));
        assertThat(deferred.attempts()).isZero();
        assertThat(deferred.nextAttemptAt()).isAfter(java.time.Instant.now().plusSeconds(3500));
        assertThat(status(runtime, scope, "p-4")).isEqualTo(InboxStatus.RECEIVED);
        // a redelivery of a failed key: deferred, not run
        assertThat(deliver(runtime, scope, "p-1").attempts()).isEqualTo(1);
        // due retries (and the received record) wait: the scheduler claims none of them
        database.makeDue(scope);
        assertThat(runtime.scheduler().runDue()).isZero();
        assertThat(ledger.calls).hasValue(3);
        assertThat(runtime.history().find(scope, "p-1").orElseThrow().attempts()).isEqualTo(1);
        assertThat(runtime.history().scopeStatus(scope).deferred()).isEqualTo(2);
        runtime.close();
    }

    @Test
    void afterTheCoolDownOneProbeRunsItsFailureReopensItsSuccessClosesAndTheBacklogRunsOnce() throws Exception {
        String scope = "ledger-probe";
        InboxRuntime runtime = database.runtime(breaker(scope, 2));
        Ledger ledger = new Ledger();
        ledger.register(runtime, scope);
        deliver(runtime, scope, "b-1");
        deliver(runtime, scope, "b-2");
        for (int i = 3; i <= 10; i++) {
            deliver(runtime, scope, "b-" + i); // open: recorded, not run
        }
        assertThat(ledger.calls).hasValue(2);

        // cool-down over, API still down: exactly one probe, which fails and re-opens the scope
        BreakerLog log = new BreakerLog(scope);
        coolDownOver(scope);
        database.makeDue(scope);
        assertThat(runtime.scheduler().runDue()).isEqualTo(1);
        assertThat(ledger.calls).hasValue(3);
        InboxScopeStatus reopened = runtime.history().scopeStatus(scope);
        assertThat(reopened.breaker()).isEqualTo(InboxScopeStatus.Breaker.OPEN);
        assertThat(reopened.opens()).isEqualTo(2);
        assertThat(reopened.consecutiveFailures()).isEqualTo(3);
        database.makeDue(scope);
        assertThat(runtime.scheduler().runDue()).isZero();
        assertThat(ledger.calls).hasValue(3);

        // cool-down over, API back: the probe succeeds, the scope closes, the backlog runs
        ledger.down.set(false);
        coolDownOver(scope);
        database.makeDue(scope);
        assertThat(runtime.scheduler().runDue()).isEqualTo(10);
        InboxScopeStatus closed = runtime.history().scopeStatus(scope);
        assertThat(closed.breaker()).isEqualTo(InboxScopeStatus.Breaker.CLOSED);
        assertThat(closed.consecutiveFailures()).isZero();
        assertThat(closed.openUntil()).isNull();
        assertThat(closed.probes()).isEqualTo(2);
        log.close();
        assertThat(log.lines).hasSize(4);
        assertThat(log.lines.get(0)).contains("HALF_OPEN").contains("PT1H").contains("2 consecutive");
        assertThat(log.lines.get(1)).contains("OPEN again").contains("3 consecutive").contains("PT1H");
        assertThat(log.lines.get(2)).contains("HALF_OPEN");
        assertThat(log.lines.get(3)).contains("CLOSED").contains("3 consecutive");
        for (int i = 1; i <= 10; i++) {
            assertThat(status(runtime, scope, "b-" + i)).isEqualTo(InboxStatus.COMPLETED);
        }
        assertThat(database.effects(scope)).isEqualTo(10);
        assertThat(database.db.queryLong("SELECT count(DISTINCT key) FROM effect WHERE scope = '" + scope + "'"))
                .isEqualTo(10);
        assertThat(ledger.calls).hasValue(3 + 10);
        // a new delivery runs at once again
        assertThat(runtime.inbox().process(scope, "b-11", payload("b-11"), String.class).value())
                .isEqualTo("booked b-11");
        runtime.close();
    }

    @Test
    void aDeliveryAfterTheCoolDownIsTheProbeAndItsSuccessClosesTheScope() throws Exception {
        String scope = "ledger-delivery-probe";
        InboxRuntime runtime = database.runtime(breaker(scope, 1));
        Ledger ledger = new Ledger();
        ledger.register(runtime, scope);
        deliver(runtime, scope, "d-1");
        assertThat(runtime.history().scopeStatus(scope).breaker()).isEqualTo(InboxScopeStatus.Breaker.OPEN);
        ledger.down.set(false);
        coolDownOver(scope);
        assertThat(runtime.inbox().process(scope, "d-2", payload("d-2"), String.class).value())
                .isEqualTo("booked d-2");
        assertThat(runtime.history().scopeStatus(scope).breaker()).isEqualTo(InboxScopeStatus.Breaker.CLOSED);
        assertThat(ledger.calls).hasValue(2);
        runtime.close();
    }

    @Test
    void definiteFailuresNeitherCountNorResetAndASuccessResetsTheCount() throws Exception {
        String scope = "ledger-count";
        InboxRuntime runtime = database.runtime(breaker(scope, 3));
        AtomicInteger mode = new AtomicInteger(); // 0 transient, 1 definite, 2 success
        runtime.inbox().register(scope, payload -> switch (mode.get()) {
            case 0 -> throw new java.net.SocketTimeoutException("ledger timed out");
            case 1 -> throw new SQLDataException("value too long for type character varying(255)", "22001");
            default -> "ok";
        });
        int n = 0;
        for (int m : new int[] {0, 0, 1, 1, 1, 1, 2, 0, 0, 1}) {
            mode.set(m);
            String key = "c-" + n++;
            try {
                runtime.inbox().process(scope, key, payload(key), String.class);
            } catch (RuntimeException expected) {
                // deferred (transient) or the original failure (definite, DEAD at once)
            }
        }
        // 2 transient, 4 definite (not counted), a success (reset), 2 transient, 1 definite: 2 in a row
        InboxScopeStatus status = runtime.history().scopeStatus(scope);
        assertThat(status.breaker()).isEqualTo(InboxScopeStatus.Breaker.CLOSED);
        assertThat(status.consecutiveFailures()).isEqualTo(2);
        mode.set(0);
        assertThatThrownBy(() -> runtime.inbox().process(scope, "c-last", payload("c-last"), String.class))
                .isInstanceOf(ProcessingDeferredException.class);
        assertThat(runtime.history().scopeStatus(scope).breaker()).isEqualTo(InboxScopeStatus.Breaker.OPEN);
        runtime.close();
    }

    @Test
    void twoInstancesShareTheStateAndOnlyOneOfThemProbes() throws Exception {
        String scope = "ledger-shared";
        InboxRuntime a = database.runtime(breaker(scope, 2));
        InboxRuntime b = database.runtime(breaker(scope, 2));
        Ledger ledgerA = new Ledger();
        Ledger ledgerB = new Ledger();
        ledgerA.register(a, scope);
        ledgerB.register(b, scope);
        deliver(a, scope, "s-1");
        deliver(a, scope, "s-2");
        // opened by instance a: instance b defers without calling its handler
        assertThat(b.history().scopeStatus(scope).breaker()).isEqualTo(InboxScopeStatus.Breaker.OPEN);
        assertThat(deliver(b, scope, "s-3").getCause()).isInstanceOf(ScopeUnavailableException.class);
        database.makeDue(scope);
        assertThat(b.scheduler().runDue()).isZero();
        assertThat(ledgerB.calls).hasValue(0);

        // cool-down over: 16 deliveries of new keys at once, 8 on each instance; exactly one becomes the probe
        coolDownOver(scope);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            InboxRuntime runtime = t % 2 == 0 ? a : b;
            String key = "race-" + t;
            futures.add(pool.submit(() -> {
                go.await();
                return deliver(runtime, scope, key);
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(ledgerA.calls.get() + ledgerB.calls.get()).isEqualTo(2 + 1);
        InboxScopeStatus reopened = a.history().scopeStatus(scope);
        assertThat(reopened.breaker()).isEqualTo(InboxScopeStatus.Breaker.OPEN);
        assertThat(reopened.opens()).isEqualTo(2);
        assertThat(reopened.probes()).isEqualTo(1);

        // a probe that is running holds the scope for everyone: b neither claims nor runs while a probes
        ledgerA.down.set(false);
        ledgerB.down.set(false);
        coolDownOver(scope);
        database.makeDue(scope);
        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        a.inbox().register(scope, payload -> {
            probing.countDown();
            release.await(30, TimeUnit.SECONDS);
            ledgerA.calls.incrementAndGet();
            return "probe";
        });
        ExecutorService prober = Executors.newSingleThreadExecutor();
        Future<Integer> probe = prober.submit(() -> a.scheduler().runDue(1));
        assertThat(probing.await(30, TimeUnit.SECONDS)).isTrue();
        int callsOfB = ledgerB.calls.get();
        assertThat(b.scheduler().runDue()).isZero();
        assertThat(deliver(b, scope, "during-probe").getCause()).isInstanceOf(ScopeUnavailableException.class);
        assertThat(b.history().scopeStatus(scope).probing()).isTrue();
        assertThat(ledgerB.calls).hasValue(callsOfB);
        release.countDown();
        assertThat(probe.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        prober.shutdown();
        assertThat(b.history().scopeStatus(scope).breaker()).isEqualTo(InboxScopeStatus.Breaker.CLOSED);

        // closed: instance b runs the backlog, each record once
        database.makeDue(scope);
        b.scheduler().runDue(1000);
        assertThat(database.db.queryLong("SELECT count(*) FROM postbox_inbox WHERE scope = '" + scope
                + "' AND status <> 'COMPLETED'")).isZero();
        assertThat(database.db.queryLong("SELECT count(*) - count(DISTINCT key) FROM effect WHERE scope = '"
                + scope + "'")).isZero();
        a.close();
        b.close();
    }

    @Test
    void withoutDeferredRetriesAnOpenScopeAnswersUnavailableAndRecordsNothing() throws Exception {
        // Inbox scopes always defer; the engine's non-deferrable path is the @Idempotent(deferredRetries = false) one
        String scope = "ledger-sender-retries";
        InboxRuntime runtime = database.runtime(breaker(scope, 1));
        Ledger ledger = new Ledger();
        ledger.register(runtime, scope);
        deliver(runtime, scope, "n-1");
        var registry = runtime.registry().get(DefaultInbox.handlerId(scope)).orElseThrow();
        var invocation = new dev.postbox.inbox.internal.engine.Invocation(scope, "n-2", "fp", null, null,
                registry.policy(), registry.codec(), () -> {
                    ledger.calls.incrementAndGet();
                    return "x";
                });
        ScopeUnavailableException e = catchThrowableOfType(ScopeUnavailableException.class,
                () -> runtime.engine().execute(invocation));
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.retryAt()).isAfter(java.time.Instant.now().plusSeconds(3500));
        assertThat(ledger.calls).hasValue(1);
        assertThat(runtime.history().find(scope, "n-2")).isEmpty();
        runtime.close();
    }
}
