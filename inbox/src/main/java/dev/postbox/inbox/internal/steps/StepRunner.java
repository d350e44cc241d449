package dev.postbox.inbox.internal.steps;

import dev.postbox.inbox.InboxProgress;
import dev.postbox.inbox.InboxStep;
import dev.postbox.inbox.Steps;
import dev.postbox.inbox.internal.Transactions;
import dev.postbox.inbox.internal.trace.Deliveries;
import jakarta.json.bind.Jsonb;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Binds the {@link Steps} of a record to the thread that runs its handler, and owns the step table. The engine wraps
 * each handler call in {@link #call}; {@link #steps()} is the one {@link Steps} the application gets (CDI bean and
 * {@code Inbox.steps()}), which finds the record of the calling thread.
 */
public final class StepRunner {

    private final StepStore store;
    private final Transactions tx;
    private final Jsonb jsonb;
    private final String table;
    private final ThreadLocal<RecordSteps> current = new ThreadLocal<>();
    private final Steps steps = new CurrentSteps(this);

    /** @param table the step table; @param inboxTable the inbox table (both already validated) */
    public StepRunner(javax.sql.DataSource dataSource, String table, String inboxTable, Transactions tx,
            Jsonb jsonb, dev.postbox.inbox.internal.store.InboxDialect dialect) {
        this.store = new StepStore(dataSource, table, inboxTable, dialect);
        this.tx = tx;
        this.jsonb = jsonb;
        this.table = table;
    }

    /** Runs a handler with the steps of its record (scope, key) bound to this thread; restores the previous binding. */
    public Object call(String scope, String key, int attempt, Callable<Object> handler) throws Exception {
        Deliveries.handlerStarts(attempt); // the attempt on the delivery's span and counts
        RecordSteps previous = current.get();
        current.set(new RecordSteps(scope, key, attempt, store, tx, jsonb, table));
        try {
            return handler.call();
        } finally {
            if (previous == null) {
                current.remove();
            } else {
                current.set(previous);
            }
        }
    }

    /** The steps of the record processed on the calling thread. */
    public Steps steps() {
        return steps;
    }

    RecordSteps current(String operation) {
        RecordSteps bound = current.get();
        if (bound == null) {
            throw new IllegalStateException("Steps." + operation + " was called outside a record processed by the "
                    + "inbox: call it from an @Idempotent method or an Inbox handler, on the thread that runs it "
                    + "(steps are bound to that thread's record)");
        }
        return bound;
    }

    /** Every run of a record's steps, for the history (own transaction). */
    public List<InboxStep> history(String scope, String key) throws Exception {
        return tx.requiresNew(() -> store.steps(scope, key));
    }

    /** A record's progress, for the history (own transaction). */
    public Optional<InboxProgress> progress(String scope, String key) throws Exception {
        return tx.requiresNew(() -> store.progress(scope, key));
    }

    /** Deletes step rows of records that are gone, older than {@code retention} (own transaction). */
    public int purgeOrphans(Duration retention, int batch) throws Exception {
        return tx.requiresNew(() -> store.purgeOrphans(retention, batch));
    }
}
