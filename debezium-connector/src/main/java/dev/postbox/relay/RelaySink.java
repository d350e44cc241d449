package dev.postbox.relay;

import java.util.concurrent.CompletionStage;

/**
 * Where the relay delivers events: Kafka, an HTTP webhook, an in-process CDI event, or your own.
 *
 * <p>The relay calls {@link #send} for one event at a time per aggregate (the next event of the same aggregate
 * is sent only after this one was acknowledged or parked), and for many aggregates concurrently. The returned
 * stage completes normally when the destination has durably accepted the event (the acknowledgement: only then
 * may the relay advance its position in the database log), or exceptionally when it has not. Failures are
 * retryable unless they are a {@link RelaySinkException} with {@link RelaySinkException#permanent()} set, which
 * parks the event at once.
 *
 * <p>{@code send} should return quickly and do its I/O asynchronously; it may be called from several threads.
 */
public interface RelaySink extends AutoCloseable {

    /** Sends one event; see the class comment for what completion means. */
    CompletionStage<Void> send(RelayEvent event);

    /** A short name for logs, e.g. {@code kafka localhost:9092}. Never include secrets. */
    default String describe() {
        return getClass().getSimpleName();
    }

    /** Releases connections; called once when the relay stops. */
    @Override
    default void close() {
    }
}
