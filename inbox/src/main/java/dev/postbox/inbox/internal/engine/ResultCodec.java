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

    /**
     * The answer stored for a failure that no retry can fix ({@link DefiniteFailure}), or null when this kind of
     * caller has no answer for it: the record then goes DEAD and the caller gets the original exception. JAX-RS
     * methods answer 422 with a problem body; a duplicate gets the same answer, replayed.
     */
    default StoredResult definiteAnswer(DefiniteFailure failure) {
        return null;
    }

    /**
     * What the first caller gets for a {@link #definiteAnswer} just stored: the same as a duplicate's replay,
     * without the replay mark.
     */
    default Exception definiteAnswerFailure(StoredResult answer) {
        throw new UnsupportedOperationException("this codec stores no definite answers");
    }
}
