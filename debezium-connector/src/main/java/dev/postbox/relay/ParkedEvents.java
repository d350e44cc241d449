package dev.postbox.relay;

import java.util.List;
import java.util.UUID;

/**
 * The dead-letter table of one relay (one replication slot): look at parked events and replay them.
 *
 * <p>A replay re-sends the parked event, then the events of the same aggregate that waited behind it, in order,
 * and un-parks the aggregate so new events flow directly again. It is carried out by whichever instance is the
 * active relay (a request is recorded in the database, so it may be made on any instance); the active relay
 * picks requests up immediately when it is this instance, otherwise within its standby retry interval. If the
 * parked event fails again, it stays parked with the new error. A replay cut short by a crash or a stop is finished by
 * the next active relay: as each row is replayed, the next one becomes the parked head and keeps the request.
 */
public interface ParkedEvents {

    /** Parked and waiting events, oldest first. */
    List<ParkedEvent> list(int limit);

    /** Events of one aggregate in the dead-letter table, in replay order. */
    List<ParkedEvent> forAggregate(String aggregateType, String aggregateId);

    /** Number of rows (parked and waiting). */
    long count();

    /**
     * Requests a replay of the aggregate whose poison event has this id.
     *
     * @return false when no parked (poison) event has this id
     */
    boolean replay(UUID parkedEventId);
}
