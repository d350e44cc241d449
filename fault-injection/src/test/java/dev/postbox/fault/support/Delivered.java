package dev.postbox.fault.support;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** What reached a consumer (a Kafka consumer or a webhook receiver), as the {@link Verdict} needs it. */
public interface Delivered {

    /** Each event id with the time of each copy that arrived. */
    Map<UUID, List<Long>> arrivals();

    /** Copies that arrived (duplicates included, redeliveries of the same copy excluded). */
    long records();

    /** The same copy handed over again (a Kafka consumer re-reading an offset); 0 where that cannot happen. */
    default long redelivered() {
        return 0;
    }

    /** True when everything that arrived has been handed to the inbox. */
    boolean idle();

    default Set<UUID> missing(Collection<UUID> expected) {
        Set<UUID> missing = new HashSet<>();
        for (UUID id : expected) {
            if (!arrivals().containsKey(id)) {
                missing.add(id);
            }
        }
        return missing;
    }
}
