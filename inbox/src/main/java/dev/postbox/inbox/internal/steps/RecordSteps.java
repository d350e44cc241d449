package dev.postbox.inbox.internal.steps;

import dev.postbox.common.internal.Failures;
import dev.postbox.inbox.InboxProgress;
import dev.postbox.inbox.Steps;
import dev.postbox.inbox.internal.Messages;
import dev.postbox.inbox.internal.Transactions;
import dev.postbox.inbox.internal.engine.PermanentFailure;
import jakarta.json.bind.Jsonb;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The steps of one attempt of one record: counts the steps as the handler calls them, answers completed ones from
 * the table, and commits each new result (or failure) in its own transaction as soon as the step ends.
 */
final class RecordSteps {

    private static final Logger LOG = Logger.getLogger(RecordSteps.class.getName());
    private static final int MAX_NAME_LENGTH = 255;

    private final String scope;
    private final String key;
    private final int attempt;
    private final StepStore store;
    private final Transactions tx;
    private final Jsonb jsonb;
    private final String table;
    private int lastSeq;
    /** Completed steps of earlier attempts by position, read once at the first step. */
    private Map<Integer, StepStore.Completed> completed;
    /** The cursor: unread, then the stored one, then the last one saved. */
    private Optional<String> cursor;

    RecordSteps(String scope, String key, int attempt, StepStore store, Transactions tx, Jsonb jsonb, String table) {
        this.scope = scope;
        this.key = key;
        this.attempt = attempt;
        this.store = store;
        this.tx = tx;
        this.jsonb = jsonb;
        this.table = table;
    }

    <T, E extends Exception> T run(String name, Class<T> type, Steps.Step<? extends T, E> step) throws E {
        checkName(name);
        if (type == null || step == null) {
            throw new IllegalArgumentException("Steps.run(\"" + name + "\"): type and step must not be null");
        }
        int seq = ++lastSeq;
        StepStore.Completed done = completed().get(seq);
        if (done != null) {
            if (!done.name().equals(name)) {
                throw new StepSequenceChangedException(scope, key, seq, done.name(), name, table);
            }
            LOG.fine(() -> "step " + seq + " \"" + name + "\" of " + Messages.where(scope, key)
                    + " completed in an earlier attempt: its stored result is reused");
            return decode(done, type);
        }
        long start = System.nanoTime();
        T value;
        try {
            value = step.call();
        } catch (Throwable failure) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            recordFailure(seq, name, failure, took);
            throw failure;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String json = encode(seq, name, type, value);
        boolean inserted = call(() -> tx.requiresNew(() -> store.insertCompleted(scope, key, seq, name, attempt, json,
                took)));
        if (!inserted) {
            LOG.warning(() -> "step " + seq + " \"" + name + "\" of " + Messages.where(scope, key) + " was completed"
                    + " by another worker meanwhile (the lease of attempt " + attempt + " expired); its result is"
                    + " kept, this attempt's is not stored");
        }
        return value;
    }

    private void recordFailure(int seq, String name, Throwable failure, Duration took) {
        String error = Failures.describe(failure);
        try {
            tx.requiresNew(() -> {
                store.insertFailed(scope, key, seq, name, attempt, error, took);
                return null;
            });
        } catch (Exception e) {
            // the step runs again on the next attempt anyway; only its history entry is missing
            LOG.log(Level.WARNING, "could not record the failure of step " + seq + " \"" + name + "\" of "
                    + Messages.where(scope, key), e);
            failure.addSuppressed(e);
        }
    }

    private Map<Integer, StepStore.Completed> completed() {
        if (completed == null) {
            Map<Integer, StepStore.Completed> bySeq = new HashMap<>();
            for (StepStore.Completed c : call(() -> tx.requiresNew(() -> store.completed(scope, key)))) {
                bySeq.put(c.seq(), c);
            }
            completed = bySeq;
        }
        return completed;
    }

    private String encode(int seq, String name, Class<?> type, Object value) {
        if (value == null || type == Void.class || type == void.class) {
            return null;
        }
        try {
            return jsonb.toJson(value, type);
        } catch (RuntimeException e) {
            throw new PermanentFailure("the result of step " + seq + " \"" + name + "\" of "
                    + Messages.where(scope, key) + " cannot be stored as JSON (" + e + "); the step ran but its "
                    + "result is lost: make " + type.getName() + " JSON-B serializable", e);
        }
    }

    private <T> T decode(StepStore.Completed done, Class<T> type) {
        if (done.result() == null || type == Void.class || type == void.class) {
            return null;
        }
        try {
            return jsonb.fromJson(done.result(), type);
        } catch (RuntimeException e) {
            throw new PermanentFailure("the stored result of step " + done.seq() + " \"" + done.name() + "\" of "
                    + Messages.where(scope, key) + " does not read as " + type.getName() + " (" + e
                    + "): did the step's result type change between attempts?", e);
        }
    }

    Optional<String> cursor() {
        if (cursor == null) {
            cursor = call(() -> tx.requiresNew(() -> store.progress(scope, key)))
                    .map(InboxProgress::cursor);
        }
        return cursor;
    }

    void saveCursor(String value) {
        if (value == null) {
            throw new IllegalArgumentException("Steps.saveCursor of " + Messages.where(scope, key)
                    + ": the cursor must not be null");
        }
        call(() -> tx.requiresNew(() -> {
            store.saveProgress(scope, key, attempt, null, null, value);
            return null;
        }));
        cursor = Optional.of(value);
    }

    void progress(long done, long total) {
        if (done < 0 || total < 0) {
            throw new IllegalArgumentException("Steps.progress of " + Messages.where(scope, key)
                    + ": done and total must be >= 0, were " + done + " and " + total);
        }
        call(() -> tx.requiresNew(() -> {
            store.saveProgress(scope, key, attempt, done, total, null);
            return null;
        }));
    }

    private void checkName(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("Steps.run of " + Messages.where(scope, key) + ": a step name must "
                    + "have 1.." + MAX_NAME_LENGTH + " characters and not be blank, was "
                    + (name == null ? "null" : "\"" + Failures.shorten(name, 40) + "\""));
        }
    }

    private static <T> T call(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new UndeclaredThrowableException(e, "could not read or write the steps of an inbox record: " + e);
        }
    }
}
