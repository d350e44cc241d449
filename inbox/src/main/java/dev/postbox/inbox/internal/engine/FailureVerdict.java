package dev.postbox.inbox.internal.engine;

import dev.postbox.inbox.internal.Policy;

/**
 * Whether a handler's failure says that the API behind its scope is failing, for the scope's circuit breaker: the
 * failures {@code InboxEngine.onFailure} would retry count; an HTTP 4xx answer, a failure no retry can fix
 * ({@link DefiniteFailure}, unless {@code retryOn} names it), one {@code abortOn} names or the scope does not retry,
 * and a {@link PermanentFailure} do not (the API answered, or the request is at fault). A pure function, the same
 * rule as {@code onFailure}'s choice between retry, definite answer and DEAD.
 */
final class FailureVerdict {

    private FailureVerdict() {
    }

    static boolean transientFailure(Throwable thrown, Policy policy, ResultCodec codec) {
        Throwable failure = InboxEngine.unwrap(thrown);
        if (codec.answerFor(failure) != null || failure instanceof PermanentFailure) {
            return false;
        }
        if (DefiniteFailure.classify(failure).isPresent()) {
            return !policy.abortsOnCauseOf(failure) && policy.retriesExplicitlyOn(failure);
        }
        return policy.isRetryable(failure);
    }
}
