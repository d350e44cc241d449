package dev.postbox.inbox.internal.store;

import dev.postbox.inbox.InboxStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * The columns of an inbox record the engine decides on. Time comparisons are made by the database
 * ({@code leaseLive}, {@code due}) so that several instances with skewed clocks agree.
 */
public record InboxRow(
        UUID id,
        String scope,
        String key,
        String fingerprint,
        InboxStatus status,
        int attempts,
        int maxAttempts,
        Instant nextAttemptAt,
        boolean leaseLive,
        boolean due,
        UUID claimToken,
        String lastError,
        String handler,
        String arguments,
        StoredResult result) {
}
