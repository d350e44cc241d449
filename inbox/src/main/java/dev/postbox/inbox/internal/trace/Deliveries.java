package dev.postbox.inbox.internal.trace;

import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.InboxException;
import dev.postbox.inbox.PayloadMismatchException;
import dev.postbox.inbox.ProcessingDeadException;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.internal.engine.Outcome;
import dev.postbox.inbox.internal.metrics.InboxCounters;
import dev.postbox.inbox.internal.metrics.InboxCounters.Count;
import dev.postbox.inbox.internal.store.Claim;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Observes every call into the engine that may run a handler: a span around it ({@link InboxTracing}) and the
 * counts of {@link InboxCounters}. Callers wrap the engine call ({@code execute} for deliveries, {@code run} for
 * the scheduler) and the {@code StepRunner} reports the attempt number of the handler call on this thread through
 * {@link #handlerStarts}. Changes nothing of what the engine does or answers.
 */
public final class Deliveries {

    /** The delivery observed on this thread, for {@link #handlerStarts}; restored when deliveries nest. */
    private static final ThreadLocal<Observed> CURRENT = new ThreadLocal<>();

    private final InboxTracing tracing;
    private final InboxCounters counters;
    private final StoredTrace stored;

    public Deliveries(InboxTracing tracing, InboxCounters counters, StoredTrace stored) {
        this.tracing = tracing;
        this.counters = counters;
        this.stored = stored;
    }

    public InboxTracing tracing() {
        return tracing;
    }

    public InboxCounters counters() {
        return counters;
    }

    /**
     * A delivery: {@code execute} asks the engine to run it once or answer from its record.
     *
     * @param headers the request's or webhook's headers (the parent trace context when no span is current), or null
     */
    public Outcome deliver(InboxTracing.Entry entry, String scope, String key, Function<String, String> headers,
            Callable<Outcome> execute) throws Exception {
        Observed observed = new Observed(tracing.delivery(entry, scope, key, headers), counters.scope(scope), false);
        return observe(observed, execute);
    }

    /** A run of a claimed record by the scheduler: its span is linked to the record's first delivery. */
    public Outcome scheduled(String scope, String key, Claim claim, Callable<Outcome> run) throws Exception {
        String first = tracing.enabled() ? stored.traceparent(claim.id()) : null;
        InboxCounters.Scope scopeCounters = counters.scope(scope);
        scopeCounters.count(Count.SCHEDULED_RUN);
        Observed observed = new Observed(tracing.scheduled(scope, key, claim.id(), claim.attempt(), first),
                scopeCounters, true);
        return observe(observed, run);
    }

    /** Called by the step runner as a handler starts, on its thread: the attempt it makes. */
    public static void handlerStarts(int attempt) {
        Observed observed = CURRENT.get();
        if (observed != null) {
            observed.attempt = attempt;
            observed.span.attempt(attempt);
        }
    }

    private static Outcome observe(Observed observed, Callable<Outcome> call) throws Exception {
        Observed previous = CURRENT.get();
        CURRENT.set(observed);
        try {
            Outcome outcome = call.call();
            observed.span.recordId(outcome.recordId());
            observed.end(outcome.replayed() ? "duplicate" : "completed", null);
            return outcome;
        } catch (Exception | Error e) {
            observed.end(outcomeOf(e), e);
            throw e;
        } finally {
            observed.span.close(); // after the outcome is on it
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** The outcome attribute of a delivery the engine answered with {@code thrown}. */
    static String outcomeOf(Throwable thrown) {
        if (thrown instanceof DuplicateInProgressException) {
            return "in_progress";
        }
        if (thrown instanceof PayloadMismatchException) {
            return "mismatch";
        }
        if (thrown instanceof ProcessingDeadException) {
            return "dead";
        }
        if (thrown instanceof ProcessingDeferredException deferred) {
            // with a cause, this attempt failed and a retry is scheduled; without, the record waits for its retry
            return deferred.getCause() != null ? "retry_scheduled" : "not_due";
        }
        if (thrown instanceof InboxException) {
            return "rejected";
        }
        if (isClientAnswer(thrown)) {
            return "answered";
        }
        return "failed";
    }

    /** A JAX-RS 4xx (the handler's own, or the inbox's 422 for a definite failure): stored and replayed. */
    private static boolean isClientAnswer(Throwable thrown) {
        for (Class<?> c = thrown.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("jakarta.ws.rs.WebApplicationException")) {
                try {
                    Object response = c.getMethod("getResponse").invoke(thrown);
                    int status = (Integer) response.getClass().getMethod("getStatus").invoke(response);
                    return status >= 400 && status < 500;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /** One observed delivery or run. */
    private static final class Observed {
        final InboxTracing.Span span;
        final InboxCounters.Scope counters;
        final boolean scheduled;
        /** The attempt the handler made, 0 when it did not run. */
        int attempt;

        Observed(InboxTracing.Span span, InboxCounters.Scope counters, boolean scheduled) {
            this.span = span;
            this.counters = counters;
            this.scheduled = scheduled;
        }

        void end(String outcome, Throwable thrown) {
            boolean handlerFailed = outcome.equals("failed") || outcome.equals("retry_scheduled");
            span.outcome(outcome, handlerFailed ? handlerFailure(thrown) : null);
            if (!scheduled && attempt == 1) {
                counters.count(Count.FIRST_DELIVERY);
            }
            if (attempt > 1) {
                counters.count(Count.RETRY);
            }
            switch (outcome) {
                case "duplicate" -> counters.count(Count.DUPLICATE);
                case "in_progress" -> counters.count(Count.IN_PROGRESS);
                default -> {
                    if (handlerFailed && (attempt > 0 || scheduled)) {
                        counters.count(Count.FAILURE);
                    }
                }
            }
        }

        private static Throwable handlerFailure(Throwable thrown) {
            return thrown instanceof ProcessingDeferredException && thrown.getCause() != null ? thrown.getCause()
                    : thrown;
        }
    }
}
