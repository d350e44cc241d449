package dev.postbox.inbox.internal.store;

import java.time.Instant;
import java.util.Optional;

/**
 * What a first look at a key found: whether this transaction now holds the key's advisory lock, the committed
 * record of the key if there is one, and when this transaction started (the attempt's start, database clock).
 */
public record KeyPeek(boolean locked, Optional<InboxRow> row, Instant startedAt) {
}
