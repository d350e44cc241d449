package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.ScopeUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rate limit of a scope: a backlog released at once is run at most {@code max-per-second} handler calls in
 * any one-second window (measured on the calls' own timestamps), at most {@code max-concurrent} at once; calls over
 * the limit wait (deliveries deferred, retries left due), they are not failures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractScopeRateLimitTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();


    private static InboxDatabase database;

    @BeforeAll
    void start() {
        database = InboxDatabase.create(product(), "inbox_rate");
    }

    @Test
    void aBacklogRunsAtMostMaxPerSecondCallsInAnyOneSecondWindow() throws Exception {
        String scope = "ledger-rate";
        int perSecond = 2; // below the rate this machine runs records at, so the limit is what holds them back
        int backlog = 9;
        InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.poll-interval", "PT0.01S",
                "postbox.inbox.\"ledger-rate\".rate.max-per-second", String.valueOf(perSecond)));
        List<Long> calls = new CopyOnWriteArrayList<>();
        runtime.inbox().register(scope, payload -> {
            calls.add(System.nanoTime());
            return "ok";
        });
        for (int i = 0; i < backlog; i++) {
            runtime.inbox().receive(scope, "r-" + i, "{\"i\":" + i + "}");
        }
        runtime.start();
        try {
            for (int i = 0; i < backlog; i++) {
                AbstractInboxRecoveryTest.awaitStatus(runtime.history(), scope, "r-" + i, InboxStatus.COMPLETED);
            }
        } finally {
            runtime.close();
        }
        assertThat(calls).hasSize(backlog);
        // the limit holds in every window, and is reached (the backlog was not simply slow)
        assertThat(CallWindows.maxInAnyWindow(calls, 1_000_000_000L))
                .as("calls at (ms after the first) %s", offsets(calls)).isEqualTo(perSecond);
        // not failures: every record completed on its first attempt
        assertThat(database.db.queryLong("SELECT max(attempts) FROM postbox_inbox WHERE scope = '" + scope + "'"))
                .isEqualTo(1);
    }

    private static List<Long> offsets(List<Long> nanos) {
        return nanos.stream().map(t -> (t - nanos.get(0)) / 1_000_000).toList();
    }

    @Test
    void deliveriesOverMaxConcurrentAreDeferredAndTheSchedulerRunsThemWithinTheLimit() throws Exception {
        String scope = "ledger-concurrent";
        int limit = 2;
        int deliveries = 8;
        InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.poll-interval", "PT0.01S",
                "postbox.inbox.\"ledger-concurrent\".rate.max-concurrent", String.valueOf(limit)));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch twoIn = new CountDownLatch(limit);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        runtime.inbox().register(scope, payload -> {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            calls.incrementAndGet();
            try {
                twoIn.countDown();
                release.await(30, TimeUnit.SECONDS);
                database.effect(scope, payload, "ok");
                return "ok";
            } finally {
                running.decrementAndGet();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(deliveries);
        List<Future<Object>> results = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            String key = "c-" + i;
            results.add(pool.submit(() -> runtime.inbox().process(scope, key, "{\"k\":\"" + key + "\"}", String.class)));
        }
        assertThat(twoIn.await(30, TimeUnit.SECONDS)).isTrue();
        // both slots are taken: the other deliveries are recorded and deferred without a call
        for (int i = limit; i < deliveries; i++) {
            String key = "c-" + i;
            ProcessingDeferredException deferred = catchThrowableOfType(ProcessingDeferredException.class,
                    () -> runtime.inbox().process(scope, key, "{\"k\":\"" + key + "\"}", String.class));
            assertThat(deferred.getCause()).isInstanceOfSatisfying(ScopeUnavailableException.class,
                    e -> assertThat(e.reason()).isEqualTo(ScopeUnavailableException.Reason.RATE_LIMITED));
            assertThat(runtime.history().find(scope, key).orElseThrow().status()).isEqualTo(InboxStatus.RECEIVED);
        }
        assertThat(calls).hasValue(limit);
        assertThat(runtime.history().scopeStatus(scope).running()).isEqualTo(limit);
        release.countDown();
        for (Future<Object> f : results) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        runtime.start();
        try {
            for (int i = 0; i < deliveries; i++) {
                AbstractInboxRecoveryTest.awaitStatus(runtime.history(), scope, "c-" + i, InboxStatus.COMPLETED);
            }
        } finally {
            runtime.close();
        }
        assertThat(maxRunning.get()).isEqualTo(limit);
        assertThat(calls).hasValue(deliveries);
        assertThat(database.effects(scope)).isEqualTo(deliveries);
        assertThat(runtime.history().scopeStatus(scope).deferred()).isEqualTo(deliveries - limit);
    }
}
