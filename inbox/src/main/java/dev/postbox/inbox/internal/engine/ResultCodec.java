package dev.postbox.inbox.internal.engine;

import dev.postbox.inbox.internal.store.StoredResult;

/** Turns a handler's result into what is stored for duplicates, and a stored result back into a return value. */
public interface ResultCodec {

    StoredResult encode(Object result) throws Exception;

    /** The value a duplicate gets; may throw (a stored HTTP 4xx answer is rethrown as such). */
    Object decode(StoredResult stored) throws Exception;

    /**
     * A failure that is really an answer to store (an HTTP 4xx from a JAX-RS method), or null for a real
     * failure.
     */
    default StoredResult answerFor(Throwable failure) {
        return null;
    }
}
