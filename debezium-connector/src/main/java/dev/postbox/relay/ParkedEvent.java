package dev.postbox.relay;

import java.time.Instant;

/**
 * An event in the dead-letter table.
 *
 * @param sequence insertion order; events of one aggregate are replayed in this order
 * @param event the event as it was read from the outbox
 * @param status {@link Status#PARKED} for the poison event, {@link Status#WAITING} for later events of the same
 *     aggregate held back to keep order
 * @param attempts delivery attempts made
 * @param lastError the sink's last error (null for waiting events)
 * @param firstFailedAt when the first attempt failed (null for waiting events)
 * @param parkedAt when the row was written
 * @param replayRequestedAt when a replay was requested and not yet done, or null
 */
public record ParkedEvent(long sequence, RelayEvent event, Status status, int attempts, String lastError,
        Instant firstFailedAt, Instant parkedAt, Instant replayRequestedAt) {

    public enum Status {
        PARKED,
        WAITING
    }
}
