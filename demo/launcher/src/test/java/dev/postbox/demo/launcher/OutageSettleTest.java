package dev.postbox.demo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * When the outage phase counts the backlog as settled ({@link Outage#unsettled}). The service's stats answer reads
 * the inbox and the ledger table with separate statements; the last booking (its ledger entry and its COMPLETED
 * inbox record, one commit) can land between them. Such an answer must not count as settled: on WildFly one did,
 * and the report said "149 ledger postings booked for 150 deposits" while the next answer held all 150.
 */
class OutageSettleTest {

    private static final long COMPLETED_BEFORE = 120;
    private static final long ENTRIES_BEFORE = 120;
    private static final int POSTINGS = 150;

    @Test
    void anAnswerThatHasTheLastPostingCompletedInTheInboxButNotYetItsLedgerEntryIsNotSettled() {
        JsonObject torn = stats(COMPLETED_BEFORE + POSTINGS, 0, ENTRIES_BEFORE + POSTINGS - 1,
                ENTRIES_BEFORE + POSTINGS - 1);

        assertThat(unsettled(torn)).isEqualTo("149 new ledger entries (expected 150)");
    }

    @Test
    void everyPostingCompletedAndBookedOnceIsSettled() {
        JsonObject done = stats(COMPLETED_BEFORE + POSTINGS, 0, ENTRIES_BEFORE + POSTINGS, ENTRIES_BEFORE + POSTINGS);

        assertThat(unsettled(done)).isEmpty();
    }

    @Test
    void aPostingStillPendingOrBookedTwiceIsNotSettled() {
        assertThat(unsettled(stats(COMPLETED_BEFORE + POSTINGS - 1, 1, ENTRIES_BEFORE + POSTINGS - 1,
                ENTRIES_BEFORE + POSTINGS - 1)))
                .contains("ledger COMPLETED 269 (expected 270)", "ledger FAILED 1",
                        "149 new ledger entries (expected 150)");
        assertThat(unsettled(stats(COMPLETED_BEFORE + POSTINGS, 0, ENTRIES_BEFORE + POSTINGS + 1,
                ENTRIES_BEFORE + POSTINGS))).isEqualTo("151 ledger entries for 150 events");
    }

    private static String unsettled(JsonObject stats) {
        return Outage.unsettled(stats, COMPLETED_BEFORE + POSTINGS, ENTRIES_BEFORE, ENTRIES_BEFORE, POSTINGS);
    }

    private static JsonObject stats(long completed, long failed, long entries, long distinct) {
        return Json.object()
                .add("database", Json.object().add("ledgerEntries", entries).add("ledgerDistinctEvents", distinct))
                .add("inbox", Json.object().add("ledger", Json.object().add("statuses",
                        Json.object().add("COMPLETED", completed).add("FAILED", failed))))
                .build();
    }
}
