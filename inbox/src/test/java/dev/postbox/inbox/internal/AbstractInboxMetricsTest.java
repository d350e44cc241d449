package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.internal.metrics.InboxBacklog;
import dev.postbox.inbox.internal.metrics.InboxCounters;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The inbox's counts per scope after a scenario: first deliveries, duplicates, 409s, failures and scheduled runs
 * counted by this instance; retries due and overdue and DEAD records read from the table. Runs without
 * OpenTelemetry on the class path: metrics do not need it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractInboxMetricsTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();


    private static InboxDatabase database;
    private static InboxRuntime runtime;

    @BeforeAll
    void start() {
        database = InboxDatabase.create(product(), "inbox_metrics");
        runtime = database.runtime(Map.of(
                "postbox.inbox.\"orders\".initial-delay", "PT1H",
                "postbox.inbox.\"orders\".jitter", "0",
                "postbox.inbox.\"fragile\".max-attempts", "1"));
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void countsAndBacklogPerScopeAfterAScenario() throws Exception {
        List<String> announced = new CopyOnWriteArrayList<>();
        runtime.counters().onNewScope(announced::add);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        runtime.inbox().register("orders", payload -> {
            if (payload.contains("slow")) {
                running.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            if (payload.contains("fail")) {
                throw new IllegalStateException("downstream unavailable");
            }
            return "ok";
        });
        runtime.inbox().register("fragile", payload -> {
            throw new IllegalStateException("bad reference data");
        });
        assertThat(announced).contains("orders", "fragile"); // registered scopes get their metrics at once

        runtime.inbox().process("orders", "k1", "{\"n\":1}", String.class);       // first delivery
        runtime.inbox().process("orders", "k1", "{\"n\":1}", String.class);       // duplicate
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> slow = pool.submit(() -> runtime.inbox().process("orders", "k2", "{\"slow\":1}", String.class));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> runtime.inbox().process("orders", "k2", "{\"slow\":1}", String.class))
                .isInstanceOf(DuplicateInProgressException.class);             // 409
        release.countDown();
        slow.get(10, TimeUnit.SECONDS);
        pool.shutdown();
        for (String key : List.of("k3", "k4")) {                                  // failures, retries in 1 h
            assertThatThrownBy(() -> runtime.inbox().process("orders", key, "{\"fail\":1}", String.class))
                    .isInstanceOf(ProcessingDeferredException.class);
        }
        assertThatThrownBy(() -> runtime.inbox().process("fragile", "k1", "{}", String.class))
                .isInstanceOf(IllegalStateException.class);                      // DEAD at once
        // k3 came due a moment ago, k4 two minutes ago (the scheduler is not running here)
        database.db.execute("UPDATE postbox_inbox SET next_attempt_at = clock_timestamp() - interval '1 second' "
                + "WHERE idempotency_key = 'k3'", "UPDATE postbox_inbox SET next_attempt_at = clock_timestamp() - "
                + "interval '2 minutes' WHERE idempotency_key = 'k4'");

        InboxCounters.Scope orders = runtime.counters().scope("orders");
        assertThat(orders.firstDeliveries()).isEqualTo(4);
        assertThat(orders.duplicates()).isEqualTo(1);
        assertThat(orders.inProgress()).isEqualTo(1);
        assertThat(orders.failures()).isEqualTo(2);
        assertThat(orders.scheduledRuns()).isZero();
        InboxCounters.Scope fragile = runtime.counters().scope("fragile");
        assertThat(fragile.firstDeliveries()).isEqualTo(1);
        assertThat(fragile.failures()).isEqualTo(1);

        assertThat(runtime.backlog().of("orders")).isEqualTo(new InboxBacklog.Counts(2, 1, 0));
        assertThat(runtime.backlog().of("fragile")).isEqualTo(new InboxBacklog.Counts(0, 0, 1));

        // the scheduler runs both due retries (they fail again): counted as scheduled runs and failures
        assertThat(runtime.scheduler().runDue()).isEqualTo(2);
        assertThat(orders.scheduledRuns()).isEqualTo(2);
        assertThat(orders.failures()).isEqualTo(4);
        assertThat(orders.firstDeliveries()).isEqualTo(4);
    }
}
