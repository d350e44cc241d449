package dev.postbox.inbox;

/** Where the idempotency key of an {@link Idempotent} method comes from. */
public enum KeySource {
    /**
     * The first that applies: an {@link IdempotencyKey} parameter, then {@link Idempotent#key()}, then the
     * {@code Idempotency-Key} header for JAX-RS resource methods, then the payload hash.
     */
    AUTO,
    /** An {@link IdempotencyKey} parameter or the {@link Idempotent#key()} expression. */
    EXPRESSION,
    /** The {@code Idempotency-Key} HTTP request header (JAX-RS resource methods only); missing = HTTP 400. */
    HEADER,
    /** SHA-256 of the canonical JSON of the arguments: field order and whitespace do not change it. */
    PAYLOAD_HASH
}
