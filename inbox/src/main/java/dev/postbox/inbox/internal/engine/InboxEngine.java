package dev.postbox.inbox.internal.engine;

import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.PayloadMismatchException;
import dev.postbox.inbox.ProcessingDeadException;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.internal.Policy;
import dev.postbox.inbox.internal.Transactions;
import dev.postbox.inbox.internal.store.Claim;
import dev.postbox.inbox.internal.store.InboxRow;
import dev.postbox.inbox.internal.store.InboxStore;
import dev.postbox.inbox.internal.store.KeyPeek;
import dev.postbox.inbox.internal.store.NewRecord;
import dev.postbox.inbox.internal.store.StoredResult;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Claim, run, complete or fail: the heart of the inbox, without CDI.
 *
 * <p><b>First delivery of a key</b> (the common case) takes ONE transaction: take the key's advisory lock without
 * waiting and look for its record; none there, so run the handler and insert the record COMPLETED with its result
 * before the same commit. A concurrent duplicate cannot get the lock and is told the key is in progress (409); a
 * later one finds the committed record and gets the stored result. The record and the handler's work commit or
 * roll back together. A crash during the handler leaves nothing behind: the sender's redelivery runs it again.
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
 * failure of a first delivery, {@code Inbox.receive}) waits for that lock first: otherwise a record could appear
 * while a first delivery runs, be claimed, and the handler run twice at the same time. The lock is read with its
 * own statement before the record is looked up, so the look-up's snapshot includes the previous holder's commit.
 */
public final class InboxEngine {

    private static final Logger LOG = Logger.getLogger(InboxEngine.class.getName());

    private final InboxStore store;
    private final Transactions tx;
    private final Duration lease;
    private final DoubleSupplier random;

    public InboxEngine(InboxStore store, Transactions tx, Duration lease, DoubleSupplier random) {
        this.store = store;
        this.tx = tx;
        this.lease = lease;
        this.random = random;
    }

    public InboxStore store() {
        return store;
    }

    public Transactions transactions() {
        return tx;
    }

    public Duration lease() {
        return lease;
    }

    /** Runs the invocation once per (scope, key), or answers from its record. */
    public Outcome execute(Invocation inv) throws Exception {
        Outcome first = firstDelivery(inv);
        if (first != null) {
            if (first.replayed()) {
                LOG.fine(() -> "replaying stored result of key '" + inv.key() + "' in scope '" + inv.scope() + "'");
            }
            return first;
        }
        Decision decision = tx.requiresNew(() -> claimOrAnswer(inv));
        if (decision.answer != null) {
            LOG.fine(() -> "replaying stored result of key '" + inv.key() + "' in scope '" + inv.scope() + "'");
            return new Outcome(inv.codec().decode(decision.answer), true, decision.answer);
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
        NewRecord record = new NewRecord(UUID.randomUUID(), inv.scope(), inv.key(), inv.fingerprint(),
                inv.policy().maxAttempts(), inv.handlerId(), inv.arguments());
        HandlerStart start = new HandlerStart();
        FirstRun run;
        try {
            run = tx.requiresNew(() -> {
                KeyPeek peek = store.lockKeyAndFind(inv.scope(), inv.key());
                if (peek.row().isPresent()) {
                    // the common duplicate answers from what was just read; other states need a claim
                    StoredResult settled = settledAnswer(inv, peek.row().get());
                    return settled == null ? FirstRun.NEEDS_CLAIM : FirstRun.stored(settled);
                }
                if (!peek.locked()) {
                    throw new DuplicateInProgressException(inv.scope(), inv.key(), "key '" + inv.key()
                            + "' of scope '" + inv.scope() + "' is being processed right now; retry later");
                }
                start.at = peek.startedAt();
                Object value = inv.body().call();
                StoredResult result = encode(inv.codec(), value);
                if (!store.insertCompleted(record, result, inv.policy().retention(), peek.startedAt())) {
                    throw new RecordAppearedException(); // e.g. Inbox.receive of the same key: roll back, claim
                }
                return FirstRun.ran(value, result);
            });
        } catch (Throwable thrown) {
            Throwable failure = unwrap(thrown);
            if (failure instanceof RecordAppearedException) {
                return null;
            }
            if (start.at == null) {
                throw rethrowable(failure); // the handler never ran (409, database down): nothing to record
            }
            Instant startedAt = start.at;
            throw onFailure(inv.scope(), inv.key(), 1, record.maxAttempts(), inv.policy(), inv.codec(), failure,
                    inv.deferrable(), new Recorder() {
                        // The attempt's transaction rolled back and released the key: wait for it again, so that
                        // a delivery that started meanwhile finishes (and records its outcome) before this one.
                        @Override
                        public boolean answer(StoredResult answer) throws Exception {
                            return tx.requiresNew(() -> {
                                store.lockKey(inv.scope(), inv.key());
                                return store.insertCompleted(record, answer, inv.policy().retention(), startedAt);
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
            case RAN -> new Outcome(run.value(), false, run.stored());
            case STORED -> new Outcome(inv.codec().decode(run.stored()), true, run.stored());
            case NEEDS_CLAIM -> null;
        };
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
            NewRecord record = new NewRecord(UUID.randomUUID(), inv.scope(), inv.key(), inv.fingerprint(),
                    inv.policy().maxAttempts(), inv.handlerId(), inv.arguments());
            if (store.insertClaimed(record, token, lease)) {
                return Decision.claimed(new Claim(record.id(), token, 1, record.maxAttempts(), inv.handlerId(),
                        inv.arguments()));
            }
            Optional<InboxRow> existing = store.lockByKey(inv.scope(), inv.key());
            if (existing.isPresent()) {
                return decide(inv, existing.get());
            }
        }
        throw new IllegalStateException("inbox record of key '" + inv.key() + "' in scope '" + inv.scope()
                + "' keeps disappearing between insert and read; is something deleting rows?");
    }

    private Decision decide(Invocation inv, InboxRow row) throws Exception {
        StoredResult settled = settledAnswer(inv, row);
        if (settled != null) {
            return Decision.answer(settled);
        }
        if (row.status() == InboxStatus.IN_PROGRESS) {
            if (row.leaseLive()) {
                throw new DuplicateInProgressException(inv.scope(), inv.key(), "key '" + inv.key()
                        + "' of scope '" + inv.scope() + "' is being processed right now; retry later");
            }
            if (row.attempts() >= row.maxAttempts()) {
                String reason = deadAfterCrash(row);
                store.markDead(row.id(), reason);
                return Decision.dead(reason);
            }
            LOG.warning(() -> "taking over key '" + inv.key() + "' of scope '" + inv.scope()
                    + "': the lease of attempt " + row.attempts() + " expired (worker crashed or too slow)");
            return Decision.claimed(store.claim(row, UUID.randomUUID(), lease));
        }
        // RECEIVED or FAILED: run when due, else tell the caller when it will run
        if (!row.due()) {
            throw new ProcessingDeferredException(inv.scope(), inv.key(), row.attempts(), row.nextAttemptAt(), null);
        }
        return Decision.claimed(store.claim(row, UUID.randomUUID(), lease));
    }

    static String deadAfterCrash(InboxRow row) {
        return "attempt " + row.attempts() + " of " + row.maxAttempts()
                + " never finished (lease expired: worker crashed or handler slower than the lease)";
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
        try {
            return tx.requiresNew(() -> {
                Object value = body.call();
                StoredResult result = encode(codec, value);
                if (!store.complete(claim.id(), claim.token(), result, policy.retention())) {
                    // another worker owns the record now: roll back so the effect is not applied twice
                    throw new LeaseLostException();
                }
                return new Outcome(value, false, result);
            });
        } catch (Throwable thrown) {
            Throwable failure = unwrap(thrown);
            if (failure instanceof LeaseLostException) {
                LOG.warning(() -> "attempt " + claim.attempt() + " of key '" + key + "' in scope '" + scope
                        + "' lost its lease to another worker; its transaction was rolled back");
                throw new DuplicateInProgressException(scope, key, "the lease of key '" + key + "' in scope '"
                        + scope + "' expired and another worker took the record over; this attempt was rolled back");
            }
            throw onFailure(scope, key, claim.attempt(), claim.maxAttempts(), policy, codec, failure, deferrable,
                    new Recorder() {
                        @Override
                        public boolean answer(StoredResult answer) throws Exception {
                            return tx.requiresNew(() -> store.complete(claim.id(), claim.token(), answer,
                                    policy.retention()));
                        }

                        @Override
                        public boolean fail(String error, Duration delay, boolean dead) throws Exception {
                            return tx.requiresNew(() -> store.fail(claim.id(), claim.token(), error, delay, dead));
                        }
                    });
        }
    }

    /** Where a failed attempt is recorded: on its claimed record, or as a new record for a first delivery. */
    private interface Recorder {
        /** Stores an answer (an HTTP 4xx) as the result; false when another worker owns the key now. */
        boolean answer(StoredResult answer) throws Exception;

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

    private Exception onFailure(String scope, String key, int attempt, int maxAttempts, Policy policy,
            ResultCodec codec, Throwable failure, boolean deferrable, Recorder recorder) throws Exception {
        StoredResult answer = codec.answerFor(failure);
        if (answer != null) {
            // an HTTP 4xx is an answer, not a failure: the business work rolled back, duplicates get the same
            recorder.answer(answer);
            return rethrowable(failure);
        }
        boolean retryable = !(failure instanceof PermanentFailure) && policy.isRetryable(failure);
        boolean dead = !retryable || attempt >= maxAttempts;
        Duration delay = dead || !deferrable ? null : policy.backoff().delayBeforeRetry(attempt, random);
        String error = describe(failure);
        try {
            boolean recorded = recorder.fail(error, delay, dead);
            if (!recorded) {
                LOG.warning(() -> "failure of attempt " + attempt + " of key '" + key + "' in scope '"
                        + scope + "' not recorded: another worker took the record over (" + error + ")");
            }
        } catch (Exception e) {
            // The record stays IN_PROGRESS; when its lease expires it is retried (or taken over by a redelivery).
            LOG.log(Level.SEVERE, "could not record the failure of key '" + key + "' in scope '" + scope
                    + "'; the record will be retried after its lease (" + lease + ") expires", e);
            failure.addSuppressed(e);
            return rethrowable(failure);
        }
        if (dead) {
            LOG.warning(() -> "key '" + key + "' in scope '" + scope + "' is DEAD after attempt " + attempt
                    + " of " + maxAttempts + (retryable ? "" : " (not retryable)") + ": " + error
                    + "; replay it through InboxHistory once fixed");
            return rethrowable(failure);
        }
        if (delay == null) {
            LOG.info(() -> "attempt " + attempt + " of key '" + key + "' in scope '" + scope
                    + "' failed; the sender's next delivery will retry: " + error);
            return rethrowable(failure);
        }
        LOG.info(() -> "attempt " + attempt + " of " + maxAttempts + " of key '" + key
                + "' in scope '" + scope + "' failed, next attempt in " + delay + ": " + error);
        return new ProcessingDeferredException(scope, key, attempt, Instant.now().plus(delay), failure);
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

    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.toString());
        Throwable cause = failure.getCause();
        for (int depth = 0; cause != null && cause != failure && depth < 3; depth++) {
            text.append(" <- ").append(cause);
            cause = cause.getCause();
        }
        return text.toString();
    }

    /** How the first-delivery transaction ended: the handler ran, the record answered, or a claim is needed. */
    private record FirstRun(Kind kind, Object value, StoredResult stored) {
        enum Kind { RAN, STORED, NEEDS_CLAIM }

        static final FirstRun NEEDS_CLAIM = new FirstRun(Kind.NEEDS_CLAIM, null, null);

        static FirstRun ran(Object value, StoredResult stored) {
            return new FirstRun(Kind.RAN, value, stored);
        }

        static FirstRun stored(StoredResult stored) {
            return new FirstRun(Kind.STORED, null, stored);
        }
    }

    /**
     * When the handler of a first delivery began (database clock), set inside its transaction; still null when the
     * transaction failed before the handler ran, in which case there is no attempt to record.
     */
    private static final class HandlerStart {
        Instant at;
    }

    /** What the claim transaction decided. */
    private record Decision(Claim claim, StoredResult answer, String deadReason) {
        static Decision claimed(Claim claim) {
            return new Decision(claim, null, null);
        }

        static Decision answer(StoredResult answer) {
            return new Decision(null, answer, null);
        }

        static Decision dead(String reason) {
            return new Decision(null, null, reason);
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
