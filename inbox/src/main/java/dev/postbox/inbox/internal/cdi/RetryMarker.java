package dev.postbox.inbox.internal.cdi;

/**
 * Tells the interceptor that the scheduler is re-invoking a method through its CDI bean for a deferred retry:
 * the record is already claimed, so the interceptor only proceeds. Consumed on first use, so {@code @Idempotent}
 * calls made by the handler itself are treated normally.
 */
final class RetryMarker {

    private static final ThreadLocal<String> HANDLER = new ThreadLocal<>();

    private RetryMarker() {
    }

    static void set(String handlerId) {
        HANDLER.set(handlerId);
    }

    static boolean consume(String handlerId) {
        if (handlerId.equals(HANDLER.get())) {
            HANDLER.remove();
            return true;
        }
        return false;
    }

    static void clear() {
        HANDLER.remove();
    }
}
