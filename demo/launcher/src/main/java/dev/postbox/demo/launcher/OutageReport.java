package dev.postbox.demo.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * What the ledger outage phase measured: the calls the ledger API received while it was down (the failures that
 * opened the "ledger" scope's circuit breaker, then one probe per cool-down), and the call rate while the backlog
 * of postings drained after it came back. Calls are counted by the ledger simulator; probes, opens and deferred
 * deliveries by the service ({@code GET /api/stats}, {@code InboxHistory.scopeStatus("ledger")}).
 *
 * @param outageMillis how long the ledger was down
 * @param postings deposits made while it was down, each one ledger posting
 * @param callsDuringOutage calls the ledger received while down
 * @param probesDuringOutage probes the breaker took while the ledger was down
 * @param opensDuringOutage times the scope opened (the first open, then once per failed probe)
 * @param deferredDuringOutage deliveries the service deferred without calling the ledger (Kafka redeliveries and
 *     deliveries over the rate limit included)
 * @param failuresBefore failures in a row the scope had counted when the outage began (0 normally)
 * @param failureThreshold failures in a row that open the scope
 * @param coolDownMillis the breaker's cool-down
 * @param maxPerSecond the scope's rate limit
 * @param callsAfterRecovery calls from the recovery until everything settled
 * @param peakPerSecondAfterRecovery the most calls in any one-second window after the recovery
 * @param drainMillis from the recovery until every posting was booked
 * @param postingsBooked new ledger entries (distinct events) after the phase
 * @param unsettled what did not settle in time (empty when settled)
 */
public record OutageReport(long outageMillis, int postings, long callsDuringOutage, long probesDuringOutage,
        long opensDuringOutage, long deferredDuringOutage, long failuresBefore, long failureThreshold, long coolDownMillis,
        long maxPerSecond, long callsAfterRecovery, long peakPerSecondAfterRecovery, long drainMillis,
        long postingsBooked, String unsettled) {

    /** The most probes an outage of this length can see: one per cool-down, plus one at its start. */
    public long maxProbes() {
        return (outageMillis + coolDownMillis - 1) / coolDownMillis + 1;
    }

    /** The calls that were not probes: the failures in a row that opened the scope. */
    public long callsThatOpened() {
        return callsDuringOutage - probesDuringOutage;
    }

    /** The failures the outage needed to open the scope: the threshold, less what was counted before. */
    public long failuresToOpen() {
        return Math.max(1, failureThreshold - failuresBefore);
    }

    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (!unsettled.isEmpty()) {
            p.add("outage: not settled: " + unsettled);
        }
        if (postingsBooked != postings) {
            p.add("outage: " + postingsBooked + " ledger postings booked for " + postings + " deposits");
        }
        if (probesDuringOutage > maxProbes()) {
            p.add("outage: " + probesDuringOutage + " probes in " + Demo.seconds(outageMillis) + ", more than one per"
                    + " cool-down (" + maxProbes() + ")");
        }
        // the Kafka consumer and the scheduler can each be in a call when the count reaches the threshold
        if (callsThatOpened() < failuresToOpen() || callsThatOpened() > failuresToOpen() + 1) {
            p.add("outage: " + callsThatOpened() + " calls besides the probes; expected the " + failuresToOpen()
                    + " failures in a row that open the breaker");
        }
        if (peakPerSecondAfterRecovery > maxPerSecond) {
            p.add("outage: " + peakPerSecondAfterRecovery + " calls in one second after the recovery, limit "
                    + maxPerSecond);
        }
        return p;
    }

    public List<String> lines() {
        List<String> l = new ArrayList<>();
        l.add(String.format("Outage     the ledger API was down for %s while %d deposits were made: it received %d"
                + " calls, %d failures in a row that opened the \"ledger\" scope's circuit breaker (threshold %d), then"
                + " %d probes, one per cool-down of %s (at most %d in %s); %d deliveries were recorded and deferred"
                + " without a call; the scope opened %d times", Demo.seconds(outageMillis), postings,
                callsDuringOutage, callsThatOpened(), failureThreshold, probesDuringOutage,
                Demo.seconds(coolDownMillis), maxProbes(), Demo.seconds(outageMillis), deferredDuringOutage,
                opensDuringOutage));
        l.add(String.format("Recovery   the ledger came back healthy; a probe closed the breaker and the backlog went"
                + " out within the rate limit:"
                + " %d calls, at most %d in any one second (limit %d per second); all %d postings booked once, %s"
                + " after the ledger came back", callsAfterRecovery, peakPerSecondAfterRecovery, maxPerSecond,
                postingsBooked, Demo.seconds(drainMillis)));
        return l;
    }
}
