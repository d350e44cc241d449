package dev.postbox.console.internal;

import dev.postbox.inbox.internal.metrics.InboxCounters;
import dev.postbox.inbox.internal.metrics.InboxCounters.Count;
import dev.postbox.inbox.internal.metrics.MinuteSeries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The inbox's last hour per scope and minute, in the console's JSON shape ({@code GET api/activity}). Read from
 * this instance's {@link InboxCounters}, not from the table: duplicates and 409s leave no row behind, and the table
 * holds no per-minute history. So it is this instance's view, since it started, and at most an hour.
 */
final class Activity {

    private Activity() {
    }

    /**
     * The answer.
     *
     * @param from the start of the oldest minute
     * @param minutes how many minutes each series has (oldest first, the current, unfinished one last)
     * @param scope where the figures come from, for the page
     * @param scopes one entry per scope counted since start, by name
     * @param scopesNotCharted scopes counted but not per minute (beyond the bound)
     */
    public record InboxActivity(Instant from, int minutes, String scope, List<ScopeActivity> scopes, int scopesNotCharted) {
    }

    /**
     * One scope's counts per minute.
     *
     * @param deliveries deliveries whose handler ran as attempt 1 (the gauge {@code postbox.inbox.deliveries.first})
     * @param duplicates deliveries answered with the stored result ({@code postbox.inbox.duplicates})
     * @param inProgress deliveries refused while the key was being processed (409)
     * @param retries handler attempts after the first (redeliveries and the scheduler's runs)
     * @param failures handler attempts that failed ({@code postbox.inbox.failures})
     */
    public record ScopeActivity(String name, long[] deliveries, long[] duplicates, long[] inProgress, long[] retries,
            long[] failures) {
    }

    static InboxActivity of(InboxCounters counters) {
        Map<String, MinuteSeries.Minute[]> hours = counters.lastHour();
        List<ScopeActivity> scopes = new ArrayList<>(hours.size());
        long firstMinute = Math.floorDiv(System.currentTimeMillis(), 60_000L) - (MinuteSeries.MINUTES - 1);
        for (Map.Entry<String, MinuteSeries.Minute[]> e : hours.entrySet()) {
            MinuteSeries.Minute[] hour = e.getValue();
            firstMinute = hour[0].epochMinute();
            scopes.add(new ScopeActivity(e.getKey(), column(hour, Count.FIRST_DELIVERY), column(hour, Count.DUPLICATE),
                    column(hour, Count.IN_PROGRESS), column(hour, Count.RETRY), column(hour, Count.FAILURE)));
        }
        return new InboxActivity(Instant.ofEpochSecond(firstMinute * 60), MinuteSeries.MINUTES,
                "this instance, since it started", scopes, counters.scopesWithoutSeries());
    }

    private static long[] column(MinuteSeries.Minute[] hour, Count what) {
        long[] c = new long[hour.length];
        for (int i = 0; i < hour.length; i++) {
            c[i] = hour[i].count(what);
        }
        return c;
    }
}
