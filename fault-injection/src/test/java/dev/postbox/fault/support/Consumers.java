package dev.postbox.fault.support;

import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.inbox.internal.JtaTransactions;
import dev.postbox.testkit.jta.LocalJta;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumer side: an inbox runtime (the real engine, store and scheduler over {@code LocalJta}) whose scope
 * {@link #SCOPE} applies one effect row per event, in the handler's transaction.
 */
public final class Consumers {

    public static final String SCOPE = "order-projection";

    private Consumers() {
    }

    /** Counts handler runs (committed or not), to compare with the effects that committed. */
    public static final AtomicLong HANDLER_RUNS = new AtomicLong();

    /** An inbox runtime on the scenario's database with the effect handler registered; scheduler not started. */
    public static InboxRuntime inbox(FaultDatabase db, Map<String, String> config) {
        return inbox(db, config, Clock.systemUTC());
    }

    public static InboxRuntime inbox(FaultDatabase db, Map<String, String> config, Clock clock) {
        return inbox(db, db.jta, config, clock, payload -> { });
    }

    /** Work done in the handler before the effect, e.g. a pause; may throw to fail the attempt. */
    public interface BeforeEffect {
        void run(String payload) throws Exception;
    }

    /**
     * An inbox runtime with its own transaction manager, as a separate application instance would have.
     *
     * @param tm the instance's transaction manager (one connection per transaction)
     */
    public static InboxRuntime inbox(FaultDatabase db, LocalJta tm, Map<String, String> config, Clock clock,
            BeforeEffect beforeEffect) {
        Map<String, String> values = new HashMap<>(config);
        // the scenarios are about the steady state: first deliveries not claimed as in the minute after start-up
        values.putIfAbsent(InboxConfig.CLAIM_FIRST_DELIVERIES_AFTER_START.name(), "0s");
        // a backlog after an outage is worked off by several loops (one loop took minutes after a database restart)
        values.putIfAbsent(InboxConfig.SCHEDULER_CONCURRENCY.name(), "4");
        InboxRuntime runtime = InboxRuntime.builder()
                .dataSource(tm.dataSource())
                .transactions(new JtaTransactions(tm))
                .config(InboxConfig.from(k -> Optional.ofNullable(values.get(k))))
                .clock(clock)
                .build();
        runtime.inbox().register(SCOPE, payload -> {
            HANDLER_RUNS.incrementAndGet();
            beforeEffect.run(payload);
            UUID id = Payloads.eventId(payload);
            db.applyEffect(tm, id, Payloads.aggregate(payload), Payloads.seq(payload));
            return "applied " + id;
        });
        return runtime;
    }
}
