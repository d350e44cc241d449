package dev.postbox.inbox.internal.json;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Optional;

/**
 * Finds the sender's own message id in a payload: a top-level {@code event_id}, {@code eventId}, {@code message_id}
 * or {@code messageId} (string or integer). Used as the idempotency key when none is given explicitly, before
 * falling back to the payload hash: a redelivered event keeps its id even if its serialization changed, and the
 * same id with other content is reported as a mismatch instead of being processed twice.
 */
public final class MessageIds {

    /** Looked up in this order. */
    public static final List<String> FIELDS = List.of("event_id", "eventId", "message_id", "messageId");

    private MessageIds() {
    }

    /**
     * @param payload a JSON object, or an array of arguments whose single non-null object element is the payload
     */
    public static Optional<String> find(JsonValue payload) {
        JsonObject object = asObject(payload);
        if (object == null) {
            return Optional.empty();
        }
        for (String field : FIELDS) {
            JsonValue value = object.get(field);
            if (value instanceof JsonString s && !s.getString().isBlank()) {
                return Optional.of(s.getString());
            }
            if (value instanceof JsonNumber n && n.isIntegral()) {
                return Optional.of(n.bigIntegerValue().toString());
            }
        }
        return Optional.empty();
    }

    private static JsonObject asObject(JsonValue payload) {
        if (payload instanceof JsonObject object) {
            return object;
        }
        if (payload instanceof JsonArray array) {
            JsonObject only = null;
            for (JsonValue element : array) {
                if (element instanceof JsonObject object) {
                    if (only != null) {
                        return null; // several objects: no single payload to take an id from
                    }
                    only = object;
                }
            }
            return only;
        }
        return null;
    }
}
