package dev.postbox.inbox.internal.store;

import java.util.Map;

/**
 * What a duplicate gets back: the result as JSON (or plain text, or nothing), and for JAX-RS methods the HTTP
 * status and the few headers worth replaying.
 *
 * @param format {@link #JSON}, {@link #TEXT}, {@link #NONE}, {@link #ERROR} (an HTTP 4xx answer to rethrow) or
 *     {@link #BODY} (the HTTP body of a POJO result exactly as the server's JAX-RS writer made it)
 */
public record StoredResult(String body, String format, Integer httpStatus, Map<String, String> headers) {

    public static final String JSON = "JSON";
    public static final String TEXT = "TEXT";
    public static final String NONE = "NONE";
    public static final String ERROR = "ERROR";
    public static final String BODY = "BODY";

    public StoredResult {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static StoredResult json(String json) {
        return new StoredResult(json, JSON, null, null);
    }

    public static StoredResult none() {
        return new StoredResult(null, NONE, null, null);
    }
}
