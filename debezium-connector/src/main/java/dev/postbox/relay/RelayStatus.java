package dev.postbox.relay;

import java.time.Instant;

/**
 * A snapshot of one relay instance, for health checks, metrics and logs.
 *
 * @param state what this instance is doing
 * @param since when it entered that state
 * @param slotName the replication slot (one active relay per slot across all instances)
 * @param sinkOutage true while every delivery attempt fails (the sink is down); nothing is parked then
 * @param inFlight events read from the log and not yet acknowledged or parked
 * @param eventsRelayed events acknowledged by the sink since start (duplicates after a restart included)
 * @param retries failed delivery attempts that were retried
 * @param parked events parked as poison since start
 * @param waiting events parked behind a poison event of the same aggregate since start
 * @param lastError the last error seen (sink, engine or database), or null
 */
public record RelayStatus(State state, Instant since, String slotName, boolean sinkOutage, long inFlight,
        long eventsRelayed, long retries, long parked, long waiting, String lastError) {

    /** Lifecycle of a relay instance. */
    public enum State {
        /** Not started, or stopped. */
        STOPPED,
        /** Holds the lock and is starting the Debezium engine (slot and publication checked or created). */
        STARTING,
        /** Holds the lock; the engine streams the outbox table and events flow to the sink. */
        ACTIVE,
        /** Another instance holds the lock for this slot; this one retries periodically and takes over. */
        STANDBY,
        /** The engine or the database failed; the relay released the lock and retries after a pause. */
        FAILED
    }
}
