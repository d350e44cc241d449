package dev.postbox.inbox.internal.engine;

import dev.postbox.inbox.internal.store.StoredResult;
import java.util.UUID;

/**
 * What a call got: the value, whether it is the stored result of an earlier run (a replay) rather than this call's
 * own work, the stored form of the result, and the id of the record that holds it.
 */
public record Outcome(Object value, boolean replayed, StoredResult stored, UUID recordId) {
}
