package dev.postbox.outbox;

/**
 * Turns event payloads into JSON text. The default uses JSON-B ({@code jakarta.json.bind}).
 *
 * <p>To plug in another (Jackson, a schema registry envelope, …) provide a CDI bean implementing this interface;
 * the outbox picks it up instead of the default. Implementations must be thread-safe.
 */
public interface PayloadSerializer {

    /**
     * @param payload a non-null payload that is neither a {@code String} nor a {@code jakarta.json.JsonValue}
     *     (those are taken as JSON already)
     * @return JSON text
     */
    String toJson(Object payload);
}
