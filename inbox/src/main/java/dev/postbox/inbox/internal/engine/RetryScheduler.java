package dev.postbox.inbox.internal.engine;

import dev.postbox.inbox.InboxException;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.Messages;
import dev.postbox.inbox.internal.store.Claim;
import dev.postbox.inbox.internal.trace.Deliveries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs what is due: deferred retries, received records, and records whose worker vanished (expired lease); and
 * purges expired completed records. Every state is in the database, so a restarted instance carries on where
 * the last one stopped, and {@code FOR UPDATE SKIP LOCKED} plus the lease make sure that with several instances
 * each due record runs on exactly one.
 */
public final class RetryScheduler {

    private static final Logger LOG = Logger.getLogger(RetryScheduler.class.getName());

    private final InboxEngine engine;
    private final HandlerRegistry registry;
    private final InboxConfig config;
    private final Deliveries deliveries;
    private final Object lock = new Object();
    private final List<ScheduledFuture<?>> futures = new ArrayList<>();
    private volatile boolean stopping;
    private volatile long lastPurgeNanos = System.nanoTime();

    /** @param deliveries observes each run (span linked to the record's first delivery, counts) */
    public RetryScheduler(InboxEngine engine, HandlerRegistry registry, InboxConfig config, Deliveries deliveries) {
        this.engine = engine;
        this.registry = registry;
        this.config = config;
        this.deliveries = deliveries;
    }

    /**
     * Polls every {@code postbox.inbox.poll-interval} on the given executor until {@link #stop()}: one loop per
     * {@code postbox.inbox.scheduler.concurrency}, each claiming and running one due record at a time. The loops are
     * independent scheduled tasks (none waits for another), so an executor with fewer threads only makes them take
     * turns. The first loop also purges and reports failed polls at WARNING; the others at FINE (one outage, one
     * set of log lines).
     */
    public void start(ScheduledExecutorService executor) {
        synchronized (lock) {
            if (!futures.isEmpty()) {
                return;
            }
            stopping = false;
            long interval = config.pollInterval().toMillis();
            int loops = config.schedulerConcurrency();
            for (int i = 0; i < loops; i++) {
                Loop loop = new Loop(i == 0);
                // staggered, so that the loops do not poll in lock-step when nothing is due
                long first = interval + i * Math.max(1, interval / loops);
                futures.add(executor.scheduleWithFixedDelay(loop::tick, first, interval, TimeUnit.MILLISECONDS));
            }
            LOG.info(() -> "inbox scheduler started: table " + config.table() + ", poll every "
                    + config.pollInterval() + ", " + loops + " loop(s), lease " + config.lease());
        }
    }

    /** Stops polling; a record being processed finishes its attempt (or its lease expires). */
    public void stop() {
        synchronized (lock) {
            stopping = true;
            for (ScheduledFuture<?> f : futures) {
                f.cancel(false);
            }
            futures.clear();
        }
    }

    /** One polling loop; its counter of failed polls is only touched by the task's own (serial) runs. */
    private final class Loop {
        private final boolean primary;
        private int failedPolls;

        Loop(boolean primary) {
            this.primary = primary;
        }

        void tick() {
            try {
                runDue();
                if (primary && System.nanoTime() - lastPurgeNanos >= config.purgeInterval().toNanos()) {
                    lastPurgeNanos = System.nanoTime();
                    purge();
                }
                failedPolls = 0;
            } catch (Throwable t) {
                // never let an exception cancel the periodic task
                failedPolls++;
                if (!primary) {
                    LOG.log(Level.FINE, "inbox scheduler loop poll failed (" + failedPolls + " in a row)", t);
                } else if (failedPolls <= 10 && causedByNaming(t)) {
                    // Payara binds an application's own data sources after start-up: the first polls may come too
                    // early
                    LOG.info(() -> "inbox scheduler: the data source is not available yet (" + t.getMessage()
                            + "); trying again in " + config.pollInterval());
                } else if (failedPolls == 1 || failedPolls % 10 == 0) {
                    LOG.log(Level.WARNING, "inbox scheduler poll failed (" + failedPolls + " in a row); trying "
                            + "again in " + config.pollInterval(), t);
                } else {
                    LOG.warning(() -> "inbox scheduler poll failed again (" + failedPolls + " in a row): " + t);
                }
            }
        }
    }

    private static boolean causedByNaming(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof javax.naming.NamingException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Claims and runs due records one at a time (each claim gets a full lease), at most
     * {@code postbox.inbox.batch-size} per call.
     *
     * @return how many records were claimed
     */
    public int runDue() throws Exception {
        return runDue(config.batchSize());
    }

    /** Like {@link #runDue()} with another limit; {@code runDue(1)} runs exactly one due record, if any. */
    public int runDue(int limit) throws Exception {
        int claimed = 0;
        while (claimed < limit && !stopping) {
            List<String> handlers = registry.ids();
            if (handlers.isEmpty()) {
                return claimed;
            }
            Optional<InboxEngine.DueClaim> claim = engine.claimDue(handlers);
            if (claim.isEmpty()) {
                return claimed;
            }
            claimed++;
            runClaimed(claim.get());
        }
        return claimed;
    }

    private void runClaimed(InboxEngine.DueClaim due) {
        Claim claim = due.claim();
        String key = due.key();
        HandlerRegistry.Handler handler = registry.get(claim.handler()).orElseThrow();
        String scopeKey = Messages.where(handler.scope(), key) + " (record " + claim.id() + ")";
        try {
            deliveries.scheduled(handler.scope(), key, claim, () -> engine.run(handler.scope(), key, claim,
                    handler.policy(), handler.codec(), () -> handler.invoker().invoke(claim.arguments()), true,
                    due.permit()));
            LOG.fine(() -> scopeKey + " completed on attempt " + claim.attempt());
        } catch (InboxException e) {
            LOG.fine(() -> scopeKey + ": " + e.getMessage());
        } catch (Exception e) {
            // already recorded (FAILED or DEAD) and logged by the engine
            LOG.fine(() -> scopeKey + " failed on attempt " + claim.attempt() + ": " + e);
        }
    }

    /** Deletes expired completed records in batches. @return rows deleted */
    public int purge() throws Exception {
        int total = 0;
        for (int round = 0; round < 100 && !stopping; round++) {
            int deleted = engine.purgeExpired(config.purgeBatchSize());
            total += deleted;
            if (deleted < config.purgeBatchSize()) {
                break;
            }
        }
        if (total > 0) {
            int count = total;
            LOG.info(() -> "inbox purge deleted " + count + " completed record(s) past their retention");
        }
        int steps = 0;
        for (int round = 0; round < 100 && !stopping; round++) {
            int deleted = engine.purgeOrphanSteps(config.retention(), config.purgeBatchSize());
            steps += deleted;
            if (deleted < config.purgeBatchSize()) {
                break;
            }
        }
        if (steps > 0) {
            int count = steps;
            LOG.fine(() -> "inbox purge deleted " + count + " step row(s) of records that are gone");
        }
        return total;
    }

    Duration pollInterval() {
        return config.pollInterval();
    }
}
