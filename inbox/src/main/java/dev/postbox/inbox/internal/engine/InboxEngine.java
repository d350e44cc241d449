package dev.postbox.inbox.internal.engine;

import dev.postbox.common.internal.Failures;
import dev.postbox.common.internal.trace.CurrentTrace;
import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.PayloadMismatchException;
import dev.postbox.inbox.ProcessingDeadException;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.internal.Messages;
import dev.postbox.inbox.internal.Policy;
import dev.postbox.inbox.internal.Transactions;
import dev.postbox.inbox.internal.breaker.Permit;
import dev.postbox.inbox.internal.breaker.ScopeGuard;
import dev.postbox.inbox.internal.steps.StepRunner;
import dev.postbox.inbox.internal.store.Claim;
import dev.postbox.inbox.internal.store.InboxQueries;
import dev.postbox.inbox.internal.store.InboxRow;
import dev.postbox.inbox.internal.store.InboxStore;
import dev.postbox.inbox.internal.store.KeyPeek;
import dev.postbox.inbox.internal.store.NewRecord;
import dev.postbox.inbox.internal.store.StoredResult;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The inbox's state machine, without CDI: the only class that changes the status of a record. Everyone else asks
 * it (the interceptor and {@code Inbox.process} through {@link #execute}, {@code Inbox.receive} through
 * {@link #receive}, {@code InboxHistory.replay} through {@link #replay}, the scheduler through {@link #claimDue},
 * {@link #run} and {@link #purgeExpired}); the table's statements ({@link InboxStore}) are its private detail, and
 * reads for people go through {@link #read} ({@link InboxQueries}).
 *
 * <h2>States and what moves a record</h2>
 * <table>
 *   <caption>Every status change of an inbox record</caption>
 *   <tr><th>from</th><th>event</th><th>to</th><th>method</th></tr>
 *   <tr><td>(none)</td><td>first delivery, handler succeeds (or answers an HTTP 4xx)</td><td>COMPLETED</td>
 *       <td>{@code firstDelivery}</td></tr>
 *   <tr><td>(none)</td><td>first delivery, handler fails: retryable, attempts left / otherwise</td>
 *       <td>FAILED / DEAD</td><td>{@code firstDelivery} → {@code onFailure}</td></tr>
 *   <tr><td>(none), IN_PROGRESS</td><td>an attempt fails with a failure no retry can fix ({@link DefiniteFailure}:
 *       data error, integrity violation, JAX-RS 4xx, JSON-B binding error) and neither {@code retryOn} nor
 *       {@code abortOn} names it: JAX-RS method / other caller</td><td>COMPLETED with a 422 answer / DEAD</td>
 *       <td>{@code onFailure} → {@code onDefinite}</td></tr>
 *   <tr><td>(none)</td><td>first delivery, handler still running after the mark-after time (timer, own
 *       transaction)</td><td>IN_PROGRESS (attempt 1, leased)</td><td>{@code firstDelivery} → {@link CrashWatch}
 *       </td></tr>
 *   <tr><td>(none)</td><td>first delivery within the claim window after start-up</td>
 *       <td>IN_PROGRESS (attempt 1, leased), then as a claimed attempt</td><td>{@link #execute}</td></tr>
 *   <tr><td>(none)</td><td>{@code Inbox.receive}</td><td>RECEIVED (due now)</td><td>{@link #receive}</td></tr>
 *   <tr><td>(none)</td><td>a delivery the scope does not admit now (circuit breaker open, rate limit reached;
 *       {@link ScopeGuard}): the handler is not called</td><td>RECEIVED (due now; the scheduler runs it when the
 *       scope admits it)</td><td>{@code deferWhileUnavailable}</td></tr>
 *   <tr><td>(none)</td><td>a delivery on the claim path finds the record gone (purged meanwhile)</td>
 *       <td>IN_PROGRESS (attempt 1, leased)</td><td>{@code claimOrAnswer}</td></tr>
 *   <tr><td>RECEIVED, FAILED (due)</td><td>redelivery or scheduler claims it</td><td>IN_PROGRESS</td>
 *       <td>{@code decide}, {@link #claimDue}</td></tr>
 *   <tr><td>IN_PROGRESS (lease expired)</td><td>redelivery or scheduler takes it over: attempts left / none</td>
 *       <td>IN_PROGRESS (new token) / DEAD</td><td>{@code decide}, {@link #claimDue}</td></tr>
 *   <tr><td>IN_PROGRESS</td><td>claimed attempt succeeds (fenced by the claim token)</td><td>COMPLETED</td>
 *       <td>{@link #run}</td></tr>
 *   <tr><td>IN_PROGRESS</td><td>claimed attempt fails: retryable, attempts left / otherwise</td>
 *       <td>FAILED / DEAD</td><td>{@link #run} → {@code onFailure}</td></tr>
 *   <tr><td>DEAD</td><td>{@code InboxHistory.replay}: scheduler has the handler / not</td>
 *       <td>RECEIVED / FAILED (the sender's next delivery runs it)</td><td>{@link #replay}</td></tr>
 *   <tr><td>COMPLETED (retention passed)</td><td>purge</td><td>(deleted)</td><td>{@link #purgeExpired}</td></tr>
 * </table>
 * A record that exists answers a delivery without a claim when it is settled ({@code settledAnswer}): another
 * payload under the key is a mismatch (422), COMPLETED gives the stored result, DEAD gives
 * {@link ProcessingDeadException}. IN_PROGRESS with a live lease gives 409; FAILED or RECEIVED not yet due gives
 * {@link ProcessingDeferredException}.
 *
 * <p><b>First delivery of a key</b> (the common case) takes ONE transaction: take the key's advisory lock without
 * waiting and look for its record; none there, so run the handler and insert the record COMPLETED with its result
 * before the same commit. A concurrent duplicate cannot get the lock and is told the key is in progress (409); a
 * later one finds the committed record and gets the stored result. The record and the handler's work commit or
 * roll back together. A crash during the handler leaves nothing behind: the sender's redelivery runs it again.
 * Two exceptions make a crash count as an attempt ({@link CrashWatch}): a handler still running after
 * {@code postbox.inbox.first-delivery.mark-after} has its record committed IN_PROGRESS by a timer in a short
 * transaction of its own (the first delivery then completes or fails that record, fenced by its token), and for
 * {@code postbox.inbox.first-delivery.claim-after-start} after start-up first deliveries take the claim path.
 *
 * <p><b>A key with a record</b> (retry due, received, replayed, a crashed claim) goes through a claim:
 * <ol>
 *   <li>Claim in its own short transaction: mark the record IN_PROGRESS with a lease and a fencing token, or answer
 *       from it (stored result, 409, 422, deferred, dead, or take-over of an expired lease). The claim is committed
 *       before the handler runs, so a concurrent duplicate and other instances' schedulers see it.</li>
 *   <li>Run the handler in a new transaction that, before committing, marks the record COMPLETED with the
 *       result, fenced by the token: if another worker took over meanwhile, nothing of this attempt commits.</li>
 * </ol>
 *
 * <p>In both cases a failed handler's transaction rolls back and the failure is recorded in another new
 * transaction: FAILED with the next attempt time (exponential backoff), or DEAD.
 *
 * <p><b>The key lock.</b> A first delivery has no committed record while its handler runs; its transaction-scoped
 * advisory lock on the key is what keeps others out. So every other transaction that inserts a record of a key (the
 * failure of a first delivery, {@link #receive}) waits for that lock first: otherwise a record could appear
 * while a first delivery runs, be claimed, and the handler run twice at the same time. The lock is read with its
 * own statement before the record is looked up, so the look-up's snapshot includes the previous holder's commit.
 */
public final class InboxEngine {

    private static final Logger LOG = Logger.getLogger(InboxEngine.class.getName());

    private final InboxStore store;
    private final InboxQueries queries;
    private final Transactions tx;
    private final Duration lease;
    private final DoubleSupplier random;
    private final CrashWatch crashWatch;
    private final StepRunner steps;
    private final ScopeGuard guard;

    /**
     * @param dataSource hands out the current transaction's connection (a JTA data source)
     * @param table an already validated table name
     * @param lease how long a claimed attempt may run before another worker may take the record over
     * @param random source of the backoff's jitter, in [0, 1)
     * @param steps binds each handler call to its record's recorded steps ({@code dev.postbox.inbox.Steps})
     */
    /**
     * @param steps runs handlers with their recorded steps bound to the record
     * @param crashWatch when a first delivery leaves a trace that survives a crash of this JVM
     * @param guard the scopes' circuit breakers and rate limits, asked before every handler call
     */
    public InboxEngine(DataSource dataSource, String table, dev.postbox.inbox.internal.store.InboxDialect dialect,
            Transactions tx, Duration lease, DoubleSupplier random, StepRunner steps, CrashWatch crashWatch,
            ScopeGuard guard) {
        this.store = new InboxStore(dataSource, table, dialect);
        this.queries = new InboxQueries(dataSource, table, dialect);
        this.tx = tx;
        this.lease = lease;
        this.random = random;
        this.crashWatch = crashWatch;
        this.steps = steps;
        this.guard = guard;
    }

    /**
     * Runs the invocation once per (scope, key), or answers from its record. When the scope's circuit is open or
     * it is at its rate limit ({@link ScopeGuard}), the handler is not called: see {@code deferWhileUnavailable}.
     */
    public Outcome execute(Invocation inv) throws Exception {
        Permit permit = guard.admit(inv.scope());
        if (permit.refused()) {
            return deferWhileUnavailable(inv, permit);
        }
        try (permit) {
            return executeAdmitted(new Invocation(inv.scope(), inv.key(), inv.fingerprint(), inv.handlerId(),
                    inv.arguments(), inv.policy(), inv.codec(), watched(permit, inv.body(), inv.policy(),
                    inv.codec())));
        }
    }

    /** The handler call, watched by the scope's permit (rate slot stamped, outcome counted by the breaker). */
    private static Callable<Object> watched(Permit permit, Callable<Object> body, Policy policy, ResultCodec codec) {
        return permit.around(body, failure -> FailureVerdict.transientFailure(failure, policy, codec));
    }

    /**
     * A delivery the scope does not admit now (circuit open, or at its rate limit): the handler is not called. A
     * record that exists answers as usual when it is settled (stored result, DEAD, another payload) or in progress
     * (409); otherwise the delivery is deferred ({@link ProcessingDeferredException}, HTTP 202): a new key is
     * recorded RECEIVED, due now, and the scheduler runs it when the scope admits it. A caller whose retries are
     * left to the sender gets {@link dev.postbox.inbox.ScopeUnavailableException} (503) and nothing is recorded.
     */
    private Outcome deferWhileUnavailable(Invocation inv, Permit refusal) throws Exception {
        guard.deferred(inv.scope());
        Decision decision = tx.requiresNew(() -> {
            store.lockKey(inv.scope(), inv.key()); // not while a first delivery of the key runs
            Optional<InboxRow> existing = store.lockByKey(inv.scope(), inv.key());
            if (existing.isPresent()) {
                InboxRow row = existing.get();
                StoredResult settled = settledAnswer(inv, row);
                if (settled != null) {
                    return Decision.answer(settled, row.id());
                }
                if (row.status() == InboxStatus.IN_PROGRESS && row.leaseLive()) {
                    throw inProgress(inv.scope(), inv.key());
                }
                return Decision.deferred(row.attempts());
            }
            if (!inv.deferrable()) {
                throw refusal.unavailable(inv.scope(), inv.key());
            }
            store.insertReceived(newRecord(inv));
            return Decision.deferred(0);
        });
        if (decision.answer != null) {
            LOG.fine(() -> "replaying the stored result of " + Messages.where(inv.scope(), inv.key()));
            return new Outcome(inv.codec().decode(decision.answer), true, decision.answer, decision.recordId);
        }
        LOG.fine(() -> Messages.where(inv.scope(), inv.key()) + " deferred: " + refusal.unavailable(inv.scope(),
                inv.key()).getMessage());
        throw refusal.deferral(inv.scope(), inv.key(), decision.deferredAttempts);
    }

    private Outcome executeAdmitted(Invocation inv) throws Exception {
        // right after start-up a first delivery commits its record before the handler runs (see CrashWatch)
        boolean claimFirst = crashWatch.claimsFirstDeliveries();
        Outcome first = claimFirst ? null : firstDelivery(inv);
        if (first != null) {
            if (first.replayed()) {
                LOG.fine(() -> "replaying the stored result of " + Messages.where(inv.scope(), inv.key()));
            }
            return first;
        }
        Decision decision = tx.requiresNew(() -> {
            if (claimFirst) {
                KeyPeek peek = store.lockKeyAndFind(inv.scope(), inv.key());
                if (peek.row().isEmpty() && !peek.locked()) {
                    throw inProgress(inv.scope(), inv.key()); // a first delivery of the key runs elsewhere
                }
                // with a record, the lock does not matter (another duplicate may hold it briefly): the record says
            }
            return claimOrAnswer(inv);
        });
        if (decision.answer != null) {
            LOG.fine(() -> "replaying the stored result of " + Messages.where(inv.scope(), inv.key()));
            return new Outcome(inv.codec().decode(decision.answer), true, decision.answer, decision.recordId);
        }
        if (decision.deadReason != null) {
            throw new ProcessingDeadException(inv.scope(), inv.key(), decision.deadReason);
        }
        return run(inv.scope(), inv.key(), decision.claim, inv.policy(), inv.codec(), inv.body(), inv.deferrable());
    }

    /**
     * Handles a key seen for the first time in one transaction; returns null when the key has a record (or one
     * appeared while the handler ran: its work was rolled back), so the claim path must decide.
     */
    private Outcome firstDelivery(Invocation inv) throws Exception {
        NewRecord record = newRecord(inv);
        UUID token = UUID.randomUUID(); // the claim token of the record, should a slow handler's be committed
        HandlerStart start = new HandlerStart();
        FirstRun run;
        try {
            run = tx.requiresNew(() -> {
                KeyPeek peek = store.lockKeyAndFind(inv.scope(), inv.key());
                if (peek.row().isPresent()) {
                    // the common duplicate answers from what was just read; other states need a claim
                    InboxRow row = peek.row().get();
                    StoredResult settled = settledAnswer(inv, row);
                    return settled == null ? FirstRun.NEEDS_CLAIM : FirstRun.stored(settled, row.id());
                }
                if (!peek.locked()) {
                    throw inProgress(inv.scope(), inv.key());
                }
                start.at = peek.startedAt();
                CrashWatch.Mark mark = crashWatch.watch(() -> tx.requiresNew(
                        () -> store.insertClaimed(record, token, lease)));
                Object value;
                try {
                    value = steps.call(inv.scope(), inv.key(), 1, inv.body());
                } finally {
                    start.marked = mark.stop();
                }
                StoredResult result = encode(inv.codec(), value);
                start.ownStatement = true;
                if (start.marked) {
                    // a slow handler's record was committed IN_PROGRESS meanwhile: complete it, fenced
                    if (!store.complete(record.id(), token, result, inv.policy().retention())) {
                        throw new LeaseLostException();
                    }
                } else if (!store.insertCompleted(record, result, inv.policy().retention(), peek.startedAt())) {
                    throw new RecordAppearedException(); // e.g. Inbox.receive of the same key: roll back, claim
                }
                start.ownStatement = false;
                return FirstRun.ran(value, result, record.id());
            });
        } catch (Throwable thrown) {
            Throwable failure = unwrap(thrown);
            if (failure instanceof RecordAppearedException) {
                return null;
            }
            if (start.at == null) {
                throw rethrowable(failure); // the handler never ran (409, database down): nothing to record
            }
            if (failure instanceof LeaseLostException) {
                throw leaseLost(inv.scope(), inv.key(), 1);
            }
            FailedAttempt at = new FailedAttempt(inv.scope(), inv.key(), record.id(), 1, record.maxAttempts(),
                    start.ownStatement);
            if (start.marked) {
                throw onFailure(at, inv.policy(), inv.codec(), failure, inv.deferrable(),
                        claimedRecorder(record.id(), token, inv.policy()));
            }
            Instant startedAt = start.at;
            throw onFailure(at, inv.policy(), inv.codec(), failure, inv.deferrable(), new Recorder() {
                        // The attempt's transaction rolled back and released the key: wait for it again, so that
                        // a delivery that started meanwhile finishes (and records its outcome) before this one.
                        @Override
                        public boolean answer(StoredResult answer, String error) throws Exception {
                            return tx.requiresNew(() -> {
                                store.lockKey(inv.scope(), inv.key());
                                return store.insertCompleted(record, answer, inv.policy().retention(), startedAt,
                                        error);
                            });
                        }

                        @Override
                        public boolean fail(String error, Duration delay, boolean dead) throws Exception {
                            return tx.requiresNew(() -> {
                                store.lockKey(inv.scope(), inv.key());
                                return store.insertFailed(record, startedAt, error, delay, dead);
                            });
                        }
                    });
        }
        return switch (run.kind()) {
            case RAN -> new Outcome(run.value(), false, run.stored(), run.recordId());
            case STORED -> new Outcome(inv.codec().decode(run.stored()), true, run.stored(), run.recordId());
            case NEEDS_CLAIM -> null;
        };
    }

    private static NewRecord newRecord(Invocation inv) {
        return new NewRecord(UUID.randomUUID(), inv.scope(), inv.key(), inv.fingerprint(), inv.policy().maxAttempts(),
                inv.handlerId(), inv.arguments(), CurrentTrace.traceparent());
    }

    /**
     * The one decision every look at an existing record starts with (first delivery and claim alike): the same key
     * with another payload is a mismatch, a COMPLETED record answers with its stored result, a DEAD one with its
     * reason.
     *
     * @return the stored result to answer with, or null when the record needs a claim (RECEIVED, FAILED,
     *     IN_PROGRESS)
     * @throws PayloadMismatchException the record's fingerprint differs
     * @throws ProcessingDeadException the record is DEAD
     */
    private static StoredResult settledAnswer(Invocation inv, InboxRow row) {
        if (!row.fingerprint().equals(inv.fingerprint())) {
            throw new PayloadMismatchException(inv.scope(), inv.key());
        }
        return switch (row.status()) {
            case COMPLETED -> row.result() == null ? StoredResult.none() : row.result();
            case DEAD -> throw new ProcessingDeadException(inv.scope(), inv.key(), row.lastError());
            case RECEIVED, IN_PROGRESS, FAILED -> null;
        };
    }

    private Decision claimOrAnswer(Invocation inv) throws Exception {
        // A conflict followed by "no row" means the record was purged in between: insert again.
        for (int round = 0; round < 3; round++) {
            UUID token = UUID.randomUUID();
            NewRecord record = newRecord(inv);
            if (store.insertClaimed(record, token, lease)) {
                return Decision.claimed(new Claim(record.id(), token, 1, record.maxAttempts(), inv.handlerId(),
                        inv.arguments()));
            }
            Optional<InboxRow> existing = store.lockByKey(inv.scope(), inv.key());
            if (existing.isPresent()) {
                return decide(inv, existing.get());
            }
        }
        throw new IllegalStateException("the inbox record of " + Messages.where(inv.scope(), inv.key())
                + " keeps disappearing between insert and read; is something deleting rows?");
    }

    private Decision decide(Invocation inv, InboxRow row) throws Exception {
        StoredResult settled = settledAnswer(inv, row);
        if (settled != null) {
            return Decision.answer(settled, row.id());
        }
        if (row.status() == InboxStatus.IN_PROGRESS) {
            if (row.leaseLive()) {
                throw inProgress(inv.scope(), inv.key());
            }
            Optional<Claim> claim = takeOver(row);
            return claim.isPresent() ? Decision.claimed(claim.get()) : Decision.dead(deadAfterCrash(row));
        }
        // RECEIVED or FAILED: run when due, else tell the caller when it will run
        if (!row.due()) {
            throw new ProcessingDeferredException(inv.scope(), inv.key(), row.attempts(), row.nextAttemptAt(), null);
        }
        return Decision.claimed(store.claim(row, UUID.randomUUID(), lease));
    }

    /**
     * Takes over a locked IN_PROGRESS record whose lease expired (its worker crashed or was too slow): a new claim
     * when attempts are left, else the record goes DEAD.
     *
     * @return the claim, or empty when the record is now DEAD
     */
    private Optional<Claim> takeOver(InboxRow row) throws Exception {
        String where = Messages.where(row.scope(), row.key());
        if (row.attempts() >= row.maxAttempts()) {
            String reason = deadAfterCrash(row);
            store.markDead(row.id(), reason);
            LOG.warning(() -> where + " is DEAD: " + reason);
            return Optional.empty();
        }
        LOG.warning(() -> "taking over " + where + ": the lease of attempt " + row.attempts()
                + " expired (worker crashed or too slow)");
        return Optional.of(store.claim(row, UUID.randomUUID(), lease));
    }

    private static String deadAfterCrash(InboxRow row) {
        return "attempt " + row.attempts() + " of " + row.maxAttempts()
                + " never finished (lease expired: worker crashed or handler slower than the lease)";
    }

    private static DuplicateInProgressException inProgress(String scope, String key) {
        return new DuplicateInProgressException(scope, key, Messages.where(scope, key)
                + " is being processed right now; retry later");
    }

    /**
     * Records a message to run later ({@code Inbox.receive}): RECEIVED, due now, unless the key has a record.
     *
     * @param record the new record; its handler runs it from its arguments (the payload)
     * @return true when recorded, false when the key has a record with the same payload (nothing changed)
     * @throws PayloadMismatchException the key has a record with another payload
     */
    public boolean receive(NewRecord record) throws Exception {
        return tx.requiresNew(() -> {
            store.lockKey(record.scope(), record.key()); // not while a first delivery of the key runs
            if (store.insertReceived(record)) {
                return true;
            }
            Optional<InboxRow> existing = store.lockByKey(record.scope(), record.key());
            if (existing.isPresent() && !existing.get().fingerprint().equals(record.fingerprint())) {
                throw new PayloadMismatchException(record.scope(), record.key());
            }
            return false;
        });
    }

    /** How many more attempts a replayed record gets, and who runs it. */
    public record ReplayBudget(int extraAttempts, boolean scheduled) {
    }

    /** Decides the budget of a replay from the record's scope and handler id. */
    @FunctionalInterface
    public interface ReplayPolicy {
        ReplayBudget budget(String scope, String handlerId);
    }

    /**
     * Gives a DEAD record a new budget of attempts: RECEIVED due now when the scheduler can run it, else FAILED
     * until the sender's next delivery. A REPLAY entry goes into its history.
     *
     * @return the record as it is after the replay (same transaction)
     * @throws NoSuchElementException no record with this id
     * @throws IllegalStateException the record is not DEAD
     */
    public InboxRecord replay(UUID id, ReplayPolicy policy) throws Exception {
        return tx.requiresNew(() -> {
            InboxRow row = store.lockById(id)
                    .orElseThrow(() -> new NoSuchElementException("no inbox record with id " + id));
            String where = Messages.where(row.scope(), row.key());
            if (row.status() != InboxStatus.DEAD) {
                throw new IllegalStateException("inbox record " + id + " (" + where + ") is " + row.status()
                        + ", only DEAD records can be replayed");
            }
            ReplayBudget budget = policy.budget(row.scope(), row.handler());
            store.replay(id, budget.extraAttempts(), budget.scheduled());
            LOG.info(() -> "replaying dead inbox record " + id + " (" + where + ") with " + budget.extraAttempts()
                    + " more attempt(s), "
                    + (budget.scheduled() ? "run by the scheduler" : "run on the sender's next delivery"));
            return queries.find(id).orElseThrow();
        });
    }

    /**
     * A record the scheduler has claimed, its key (for logs and messages), and the scope's permit to run it (pass
     * it to {@link #run(String, String, Claim, Policy, ResultCodec, Callable, boolean, Permit)}, which closes it).
     */
    public record DueClaim(Claim claim, String key, Permit permit) {
    }

    /**
     * Claims the next due record of one of {@code handlers} in its own transaction: RECEIVED or FAILED past its
     * next attempt time, or IN_PROGRESS with an expired lease (taken over, or DEAD when its attempts are used up).
     * Rows locked by another instance are skipped.
     *
     * @return the claim, or empty when nothing is due
     */
    public Optional<DueClaim> claimDue(List<String> handlers) throws Exception {
        Admitted admitted = new Admitted();
        try {
            return tx.requiresNew(() -> {
                List<String> candidates = new ArrayList<>(handlers);
                while (!candidates.isEmpty()) {
                    List<InboxRow> rows = store.lockDue(candidates, 1);
                    if (rows.isEmpty()) {
                        return Optional.empty();
                    }
                    InboxRow row = rows.get(0);
                    // an open circuit or a full rate limit leaves the scope's due records where they are (still due)
                    Permit permit = guard.admitInTransaction(row.scope());
                    if (permit.refused()) {
                        candidates.remove(row.handler());
                        continue;
                    }
                    admitted.permit = permit;
                    Optional<Claim> claim = row.status() == InboxStatus.IN_PROGRESS ? takeOver(row)
                            : Optional.of(store.claim(row, UUID.randomUUID(), lease));
                    if (claim.isPresent()) {
                        return Optional.of(new DueClaim(claim.get(), row.key(), permit));
                    }
                    admitted.permit = null;
                    permit.cancelInTransaction();
                }
                return Optional.empty();
            });
        } catch (Throwable t) {
            // the claim transaction rolled back (a statement or its commit failed): so did any probe it took, but
            // the permit's local rate slot must be given back
            if (admitted.permit != null) {
                admitted.permit.discard();
            }
            throw t;
        }
    }

    /** The permit of the scheduler's claim transaction, to give back if that transaction does not commit. */
    private static final class Admitted {
        Permit permit;
    }

    /** Deletes up to {@code batch} COMPLETED records past their retention in one transaction. @return rows deleted */
    public int purgeExpired(int batch) throws Exception {
        return tx.requiresNew(() -> store.purgeExpired(batch));
    }

    /**
     * Deletes up to {@code batch} step rows whose record is gone and that are older than {@code retention}, in
     * one transaction. @return rows deleted
     */
    public int purgeOrphanSteps(Duration retention, int batch) throws Exception {
        return steps.purgeOrphans(retention, batch);
    }

    /** A read of the table for people ({@code InboxHistory}). */
    @FunctionalInterface
    public interface Read<T> {
        T from(InboxQueries queries) throws Exception;
    }

    /** Runs a read in a new transaction; reads never change a record. */
    public <T> T read(Read<T> read) throws Exception {
        return tx.requiresNew(() -> read.from(queries));
    }

    /**
     * Runs a claimed attempt: handler and completion in one new transaction, failure recorded in another.
     *
     * @param deferrable whether a retryable failure is retried by the scheduler (else the sender's next
     *     delivery runs it, and the failure is rethrown)
     * @throws ProcessingDeferredException when the attempt failed and a retry is scheduled
     * @throws DuplicateInProgressException when another worker took the record over: nothing was committed
     */
    public Outcome run(String scope, String key, Claim claim, Policy policy, ResultCodec codec, Callable<Object> body,
            boolean deferrable) throws Exception {
        return run(scope, key, claim, policy, codec, body, deferrable, Permit.FREE);
    }

    /**
     * Runs a claimed attempt under the permit the scope gave its claim ({@link #claimDue}); closes the permit
     * when the attempt is over, which counts its outcome for the scope's circuit breaker.
     */
    public Outcome run(String scope, String key, Claim claim, Policy policy, ResultCodec codec, Callable<Object> body,
            boolean deferrable, Permit permit) throws Exception {
        try (permit) {
            return runClaimed(scope, key, claim, policy, codec, watched(permit, body, policy, codec), deferrable);
        }
    }

    private Outcome runClaimed(String scope, String key, Claim claim, Policy policy, ResultCodec codec,
            Callable<Object> body, boolean deferrable) throws Exception {
        HandlerStart attempt = new HandlerStart();
        try {
            return tx.requiresNew(() -> {
                Object value = steps.call(scope, key, claim.attempt(), body);
                StoredResult result = encode(codec, value);
                attempt.ownStatement = true;
                if (!store.complete(claim.id(), claim.token(), result, policy.retention())) {
                    // another worker owns the record now: roll back so the effect is not applied twice
                    throw new LeaseLostException();
                }
                attempt.ownStatement = false;
                return new Outcome(value, false, result, claim.id());
            });
        } catch (Throwable thrown) {
            Throwable failure = unwrap(thrown);
            if (failure instanceof LeaseLostException) {
                throw leaseLost(scope, key, claim.attempt());
            }
            throw onFailure(new FailedAttempt(scope, key, claim.id(), claim.attempt(), claim.maxAttempts(),
                    attempt.ownStatement), policy, codec, failure, deferrable,
                    claimedRecorder(claim.id(), claim.token(), policy));
        }
    }

    private static DuplicateInProgressException leaseLost(String scope, String key, int attempt) {
        String where = Messages.where(scope, key);
        LOG.warning(() -> "attempt " + attempt + " of " + where
                + " lost its lease to another worker; its transaction was rolled back");
        return new DuplicateInProgressException(scope, key, "the lease of " + where
                + " expired and another worker took the record over; this attempt was rolled back");
    }

    /** Records the outcome of a failed attempt on its claimed record, fenced by the claim token. */
    private Recorder claimedRecorder(UUID id, UUID token, Policy policy) {
        return new Recorder() {
            @Override
            public boolean answer(StoredResult answer, String error) throws Exception {
                return tx.requiresNew(() -> store.complete(id, token, answer, policy.retention(), error));
            }

            @Override
            public boolean fail(String error, Duration delay, boolean dead) throws Exception {
                return tx.requiresNew(() -> store.fail(id, token, error, delay, dead));
            }
        };
    }

    /** Where a failed attempt is recorded: on its claimed record, or as a new record for a first delivery. */
    private interface Recorder {
        /**
         * Stores an answer (an HTTP 4xx) as the result, with a note on the failure behind it (null: none); false
         * when another worker owns the key now.
         */
        boolean answer(StoredResult answer, String error) throws Exception;

        /** Records the failure; false when another worker owns the key now (nothing changed). */
        boolean fail(String error, Duration delay, boolean dead) throws Exception;
    }

    private static StoredResult encode(ResultCodec codec, Object value) {
        try {
            return codec.encode(value);
        } catch (Exception e) {
            throw new ResultNotStorableException(e);
        }
    }

    /**
     * Which attempt failed: its record, number and budget, and whether the failure came from the inbox's own
     * statement in the attempt's transaction (then it is the inbox's problem, never a definite answer).
     */
    private record FailedAttempt(String scope, String key, UUID recordId, int attempt, int maxAttempts,
            boolean ownStatement) {
        String where() {
            return Messages.where(scope, key);
        }
    }

    private Exception onFailure(FailedAttempt at, Policy policy, ResultCodec codec, Throwable failure,
            boolean deferrable, Recorder recorder) throws Exception {
        StoredResult answer = codec.answerFor(failure);
        if (answer != null) {
            // an HTTP 4xx is an answer, not a failure: the business work rolled back, duplicates get the same
            recorder.answer(answer, null);
            return rethrowable(failure);
        }
        boolean retryable = !(failure instanceof PermanentFailure) && policy.isRetryable(failure);
        Optional<DefiniteFailure> definite = at.ownStatement() ? Optional.empty() : DefiniteFailure.classify(failure);
        if (definite.isPresent()) {
            // retryOn/abortOn name the type wherever it is in the chain (a JDBC error arrives wrapped)
            if (policy.abortsOnCauseOf(failure)) {
                retryable = false;
            } else if (policy.retriesExplicitlyOn(failure)) {
                retryable = true;
            } else {
                return onDefinite(at, codec, failure, definite.get(), recorder);
            }
        }
        int attempt = at.attempt();
        int maxAttempts = at.maxAttempts();
        boolean dead = !retryable || attempt >= maxAttempts;
        Duration delay = dead || !deferrable ? null : policy.backoff().delayBeforeRetry(attempt, random);
        String error = Failures.describe(failure);
        String where = at.where();
        if (!record(at, failure, () -> recorder.fail(error, delay, dead), error)) {
            return rethrowable(failure);
        }
        if (dead) {
            boolean notRetryable = !retryable;
            LOG.warning(() -> where + " is DEAD after attempt " + attempt + " of " + maxAttempts
                    + (notRetryable ? " (not retryable)" : "") + ": " + error
                    + "; replay it through InboxHistory once fixed");
            return rethrowable(failure);
        }
        if (delay == null) {
            LOG.info(() -> "attempt " + attempt + " of " + where + " failed; the sender's next delivery will retry: "
                    + error);
            return rethrowable(failure);
        }
        LOG.info(() -> "attempt " + attempt + " of " + maxAttempts + " of " + where + " failed, next attempt in "
                + delay + ": " + error);
        return new ProcessingDeferredException(at.scope(), at.key(), attempt, Instant.now().plus(delay), failure);
    }

    /**
     * A failure no retry can fix: recorded at once, never deferred. A caller with an answer form for it (a
     * JAX-RS method: 422) gets that answer stored as the result (COMPLETED, replayed to duplicates); any other
     * caller gets the original exception and the record is DEAD (duplicates get {@link ProcessingDeadException}).
     * One WARNING line, without a stack trace or the failure's message (which may quote data).
     */
    private Exception onDefinite(FailedAttempt at, ResultCodec codec, Throwable failure, DefiniteFailure definite,
            Recorder recorder) throws Exception {
        String error = "not retried, a " + definite.summary() + " no retry can fix: " + Failures.describe(failure);
        StoredResult answer = codec.definiteAnswer(definite);
        String line = at.where() + " (record " + at.recordId() + ") failed on attempt " + at.attempt()
                + " with a " + definite.summary() + " that no retry can fix; ";
        if (answer != null) {
            if (record(at, failure, () -> recorder.answer(answer, error), error)) {
                LOG.warning(line + "answered HTTP " + answer.httpStatus() + ", stored for duplicates");
            }
            return codec.definiteAnswerFailure(answer);
        }
        if (record(at, failure, () -> recorder.fail(error, null, true), error)) {
            LOG.warning(line + "the record is DEAD; replay it through InboxHistory once the cause is fixed");
        }
        return rethrowable(failure);
    }

    /** A write of a failed attempt's outcome. */
    @FunctionalInterface
    private interface Write {
        boolean run() throws Exception;
    }

    /**
     * Records an attempt's outcome; false (logged) when it was not recorded: another worker took the record over,
     * or the write failed (the record stays IN_PROGRESS and is retried when its lease expires).
     */
    private boolean record(FailedAttempt at, Throwable failure, Write write, String error) {
        try {
            if (write.run()) {
                return true;
            }
            LOG.warning(() -> "failure of attempt " + at.attempt() + " of " + at.where()
                    + " not recorded: another worker took the record over (" + error + ")");
            return true;
        } catch (Exception e) {
            // The record stays IN_PROGRESS; when its lease expires it is retried (or taken over by a redelivery).
            LOG.log(Level.SEVERE, "could not record the failure of " + at.where()
                    + "; the record will be retried after its lease (" + lease + ") expires", e);
            failure.addSuppressed(e);
            return false;
        }
    }

    /** Callers rethrow what this returns; errors and other throwables are wrapped or sneaked through. */
    private static Exception rethrowable(Throwable failure) {
        if (failure instanceof Exception e) {
            return e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return new UndeclaredThrowableException(failure);
    }

    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while (true) {
            if (current instanceof InvocationTargetException ite && ite.getCause() != null) {
                current = ite.getCause();
            } else if (current instanceof UndeclaredThrowableException ute && ute.getCause() != null) {
                current = ute.getCause();
            } else if (current.getClass().getName().equals("jakarta.transaction.TransactionalException")
                    && current.getCause() != null) {
                current = current.getCause();
            } else {
                return current;
            }
        }
    }

    /** How the first-delivery transaction ended: the handler ran, the record answered, or a claim is needed. */
    private record FirstRun(Kind kind, Object value, StoredResult stored, UUID recordId) {
        enum Kind { RAN, STORED, NEEDS_CLAIM }

        static final FirstRun NEEDS_CLAIM = new FirstRun(Kind.NEEDS_CLAIM, null, null, null);

        static FirstRun ran(Object value, StoredResult stored, UUID recordId) {
            return new FirstRun(Kind.RAN, value, stored, recordId);
        }

        static FirstRun stored(StoredResult stored, UUID recordId) {
            return new FirstRun(Kind.STORED, null, stored, recordId);
        }
    }

    /**
     * When the handler of a first delivery began (database clock), set inside its transaction; still null when the
     * transaction failed before the handler ran, in which case there is no attempt to record.
     */
    private static final class HandlerStart {
        Instant at;
        /** True while the inbox's own statement of the attempt runs: its failure is never a definite answer. */
        boolean ownStatement;
        /** The handler was slow and its record committed IN_PROGRESS meanwhile ({@link CrashWatch}). */
        boolean marked;
    }

    /** What the claim transaction decided. */
    private record Decision(Claim claim, StoredResult answer, UUID recordId, String deadReason,
            int deferredAttempts) {
        static Decision claimed(Claim claim) {
            return new Decision(claim, null, claim.id(), null, 0);
        }

        static Decision answer(StoredResult answer, UUID recordId) {
            return new Decision(null, answer, recordId, null, 0);
        }

        static Decision dead(String reason) {
            return new Decision(null, null, null, reason, 0);
        }

        /** Not admitted by the scope: recorded (or already there with {@code attempts}), not run. */
        static Decision deferred(int attempts) {
            return new Decision(null, null, null, null, attempts);
        }
    }

    /** A record of the key was inserted while a first delivery ran: roll its work back and claim instead. */
    static final class RecordAppearedException extends RuntimeException {
        RecordAppearedException() {
            super("a record of the key appeared meanwhile", null, false, false);
        }
    }

    /** The fenced completion found another worker's token: roll back. */
    static final class LeaseLostException extends RuntimeException {
        LeaseLostException() {
            super("lease lost to another worker", null, false, false);
        }
    }

    /** The result could not be serialized: retrying would not help. */
    static final class ResultNotStorableException extends PermanentFailure {
        ResultNotStorableException(Throwable cause) {
            super("the result cannot be stored as JSON: " + cause, cause);
        }
    }
}
