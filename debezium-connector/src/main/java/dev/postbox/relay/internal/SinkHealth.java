package dev.postbox.relay.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * Acknowledgements and failures of the sink across all lanes: what the {@link ParkingRule} needs to tell a poison
 * event from an outage, and when the current outage began. Guarded by the pipeline's lock.
 */
final class SinkHealth {

    private long successes;
    private long failuresInARow;
    private Instant outageSince;

    /** Acknowledgements so far; the difference of two readings is what was delivered between them. */
    long successes() {
        return successes;
    }

    long failuresInARow() {
        return failuresInARow;
    }

    boolean outage() {
        return outageSince != null;
    }

    /**
     * Records an acknowledgement.
     *
     * @return how long the outage it ends lasted, or null when there was none
     */
    Duration success() {
        successes++;
        failuresInARow = 0;
        if (outageSince == null) {
            return null;
        }
        Duration d = Duration.between(outageSince, Instant.now());
        outageSince = null;
        return d;
    }

    void failure() {
        failuresInARow++;
    }

    /** Marks the start of an outage; false when one is already under way. */
    boolean outageBegins() {
        if (outageSince != null) {
            return false;
        }
        outageSince = Instant.now();
        return true;
    }
}
