package dev.postbox.inbox.internal.store;

import java.util.UUID;

/**
 * The values of a record inserted on first sight of a key. {@code handler}/{@code arguments} may be null;
 * {@code traceparent} is the W3C trace context current where the record was made (null without OpenTelemetry), kept
 * so that its retries and replays link to the first delivery's trace.
 */
public record NewRecord(UUID id, String scope, String key, String fingerprint, int maxAttempts, String handler,
        String arguments, String traceparent) {
}
