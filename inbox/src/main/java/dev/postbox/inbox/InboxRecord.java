package dev.postbox.inbox;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A read-only view of one inbox record, for operators and tests.
 *
 * @param fingerprint SHA-256 (hex) of the canonical payload
 * @param handler the method (or programmatic scope) the scheduler re-invokes; null when retries are left to
 *     the sender
 * @param result the stored result as JSON (or text), null when none
 * @param httpStatus the HTTP status of the stored answer of a JAX-RS method, else null
 * @param history finished attempts, oldest first
 */
public record InboxRecord(
        UUID id,
        String scope,
        String key,
        String fingerprint,
        InboxStatus status,
        int attempts,
        int maxAttempts,
        Instant nextAttemptAt,
        Instant lockedUntil,
        String lastError,
        String handler,
        String result,
        Integer httpStatus,
        Instant createdAt,
        Instant updatedAt,
        Instant completedAt,
        Instant expiresAt,
        List<InboxAttempt> history) {

    public InboxRecord {
        history = history == null ? List.of() : List.copyOf(history);
    }
}
