package dev.postbox.inbox.internal.store;

import java.util.UUID;

/** The values of a record inserted on first sight of a key. {@code handler}/{@code arguments} may be null. */
public record NewRecord(UUID id, String scope, String key, String fingerprint, int maxAttempts, String handler,
        String arguments) {
}
