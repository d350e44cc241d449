package dev.postbox.inbox.internal.steps;

import dev.postbox.inbox.internal.Messages;
import dev.postbox.inbox.internal.engine.PermanentFailure;

/**
 * The handler's n-th step has another name than the n-th completed step of an earlier attempt: its step sequence
 * changed (new code, or steps that depend on changing data). No retry fixes that, so the record goes DEAD.
 */
public final class StepSequenceChangedException extends PermanentFailure {

    StepSequenceChangedException(String scope, String key, int seq, String stored, String called, String table) {
        super("step " + seq + " of " + Messages.where(scope, key) + " is \"" + called + "\", but an earlier attempt"
                + " completed step " + seq + " as \"" + stored + "\": the handler's step sequence changed between "
                + "attempts. Keep the steps' order and names stable for records in flight (add new steps after the "
                + "existing ones); to run this record from scratch, delete its rows from " + table
                + " and replay it", null);
    }
}
