package dev.postbox.inbox;

/**
 * Programmatic consumer of one scope: gets the raw JSON payload, returns a result to store (any JSON-B
 * serializable value, or null). Runs inside a new transaction that also marks the record completed. To get the
 * payload as an object instead, see {@link TypedPayloadHandler}.
 */
@FunctionalInterface
public interface PayloadHandler<R> {

    R handle(String payloadJson) throws Exception;
}
