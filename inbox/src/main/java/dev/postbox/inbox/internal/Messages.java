package dev.postbox.inbox.internal;

import dev.postbox.inbox.InvalidMessageException;
import dev.postbox.inbox.MissingIdempotencyKeyException;
import dev.postbox.inbox.internal.json.CanonicalJson;
import java.nio.charset.StandardCharsets;

/** Checks on incoming payloads and keys, all made before anything is written. */
public final class Messages {

    /** Matches the idempotency_key column. */
    public static final int MAX_KEY_LENGTH = 512;
    /** Matches the scope column. */
    public static final int MAX_SCOPE_LENGTH = 255;

    private Messages() {
    }

    /**
     * Validates a JSON payload and returns the SHA-256 of its canonical form.
     *
     * @throws InvalidMessageException null, larger than {@code maxBytes}, or malformed
     */
    public static String fingerprint(String scope, String payloadJson, int maxBytes) {
        if (payloadJson == null) {
            throw new InvalidMessageException(InvalidMessageException.Reason.NULL_PAYLOAD, scope,
                    "payload of scope '" + scope + "' is null; nothing was recorded", null);
        }
        checkSize(scope, payloadJson, maxBytes);
        try {
            return CanonicalJson.sha256(payloadJson);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, scope,
                    "payload of scope '" + scope + "' is not valid JSON (" + e.getMessage()
                            + "); nothing was recorded", e);
        }
    }

    /** The key when none is given: the payload's {@code event_id}/{@code message_id}, else its fingerprint. */
    public static String automaticKey(String scope, String payloadJson, String fingerprint) {
        return dev.postbox.inbox.internal.json.MessageIds.find(CanonicalJson.parse(payloadJson))
                .map(id -> requireKey(scope, id, "the payload's message id")).orElse(fingerprint);
    }

    public static void checkSize(String scope, String text, int maxBytes) {
        // cheap bound first: a UTF-8 character takes at most 3 bytes per UTF-16 unit
        if (text.length() > maxBytes || (text.length() * 3L > maxBytes
                && text.getBytes(StandardCharsets.UTF_8).length > maxBytes)) {
            throw new InvalidMessageException(InvalidMessageException.Reason.TOO_LARGE, scope,
                    "payload of scope '" + scope + "' is larger than postbox.inbox.max-payload-bytes=" + maxBytes
                            + "; nothing was recorded", null);
        }
    }

    /**
     * Validates a key.
     *
     * @throws MissingIdempotencyKeyException when null or blank
     * @throws InvalidMessageException when longer than {@value #MAX_KEY_LENGTH} characters
     */
    public static String requireKey(String scope, String key, String where) {
        if (key == null || key.isBlank()) {
            throw new MissingIdempotencyKeyException(scope, "no idempotency key for scope '" + scope + "': " + where
                    + " is missing or empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new InvalidMessageException(InvalidMessageException.Reason.INVALID_KEY, scope,
                    "idempotency key for scope '" + scope + "' (" + where + ") is longer than " + MAX_KEY_LENGTH
                            + " characters", null);
        }
        return key;
    }

    /**
     * {@code key 'k' in scope 's'}: how every log line and engine message names a record's key, so that one grep
     * finds all lines about it (the public exceptions, which cannot use this class, spell it the same way).
     */
    public static String where(String scope, String key) {
        return "key '" + key + "' in scope '" + scope + "'";
    }

    public static String requireScope(String scope) {
        if (scope == null || scope.isBlank() || scope.length() > MAX_SCOPE_LENGTH) {
            throw new IllegalArgumentException("inbox scope must be 1-" + MAX_SCOPE_LENGTH + " characters, was "
                    + (scope == null ? "null" : "'" + scope + "'"));
        }
        return scope;
    }
}
