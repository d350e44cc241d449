package dev.postbox.inbox;

import java.util.Optional;

/**
 * Recorded steps of the inbox record being processed on this thread: a retry, a replay or a take-over after a crash
 * resumes after the last completed step instead of running the whole handler again (Stripe's "atomic phases with
 * recovery points"). Inject it ({@code @Inject Steps steps}) or get it from {@link Inbox#steps()}; it is bound to
 * whatever record the inbox is processing on the calling thread.
 *
 * <pre>{@code
 * @Idempotent(key = "#{deposit.id}")
 * public Receipt deposit(Deposit deposit) {
 *     Charge charge = steps.run("charge", Charge.class, () -> gateway.charge(deposit));   // once per record
 *     steps.run("notify", () -> mailer.send(deposit.email(), charge.id()));
 *     return ledger.book(deposit, charge);   // in the handler's transaction, as before
 * }
 * }</pre>
 *
 * <p>A step's result is committed in its own transaction as soon as the step returns, so it survives the rollback
 * of the handler's transaction. The next attempt of the same record gets the stored result (read back with JSON-B)
 * without calling the step again. A step that threw is recorded as failed and runs again on the next attempt.
 * Steps are matched by position and name: the n-th step of an attempt must have the name the n-th completed step
 * had, otherwise the call fails naming the record and both names (the record goes DEAD: the handler's step
 * sequence changed between attempts, which no retry fixes).
 *
 * <p>Limits: a step whose side effect happened but whose result could not be committed (the database failed right
 * after the step returned, or the JVM died in between) runs again on the next attempt, so the outside call should
 * still accept an idempotency key where it can. Steps are per thread: calling them from another thread, or outside a
 * record processed by the inbox, throws {@link IllegalStateException}.
 */
public interface Steps {

    /**
     * Runs a step once per record and returns its result; on later attempts returns the stored result.
     *
     * @param name the step's name (1..255 characters), the same on every attempt
     * @param type the result's type, to read the stored JSON back (JSON-B)
     * @param step the work; its result must be JSON-B serializable (null is fine)
     * @throws E what the step threw (it is recorded as failed and runs again on the next attempt)
     * @throws IllegalStateException outside a record processed by the inbox, or when the step sequence changed
     */
    <T, E extends Exception> T run(String name, Class<T> type, Step<? extends T, E> step) throws E;

    /** Runs a step without a result once per record. As {@link #run(String, Class, Step)}. */
    <E extends Exception> void run(String name, Action<E> step) throws E;

    /**
     * The cursor last saved for this record ({@link #saveCursor}), by this attempt or an earlier one: where a long job
     * resumes.
     */
    Optional<String> cursor();

    /** Saves the cursor of a long job in its own transaction, at once; the next attempt reads it with {@link #cursor}. */
    void saveCursor(String cursor);

    /** Records how far a long job is (shown by {@link InboxHistory#progress}), in its own transaction, at once. */
    void progress(long done, long total);

    /** A step with a result; {@code E} is what it may throw (inferred from the lambda). */
    @FunctionalInterface
    interface Step<T, E extends Exception> {
        T call() throws E;
    }

    /** A step without a result. */
    @FunctionalInterface
    interface Action<E extends Exception> {
        void run() throws E;
    }
}
