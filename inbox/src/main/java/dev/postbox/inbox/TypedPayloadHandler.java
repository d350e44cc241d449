package dev.postbox.inbox;

/**
 * Programmatic consumer of one scope that gets its payload bound by JSON-B to a type of its own, registered with
 * {@link Inbox#register(String, Class, TypedPayloadHandler)}. Returns a result to store (any JSON-B serializable
 * value, or null). Runs inside a new transaction that also marks the record completed.
 *
 * @param <T> the payload type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TypedPayloadHandler<T, R> {

    R handle(T payload) throws Exception;
}
