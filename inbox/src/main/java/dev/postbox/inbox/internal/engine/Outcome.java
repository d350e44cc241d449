package dev.postbox.inbox.internal.engine;

import dev.postbox.inbox.internal.store.StoredResult;

/**
 * What a call got: the value, and whether it is the stored result of an earlier run (a replay) rather than
 * this call's own work.
 */
public record Outcome(Object value, boolean replayed, StoredResult stored) {
}
