package dev.postbox.inbox.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.inbox.internal.metrics.InboxCounters.Count;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MinuteSeriesTest {

    private static final long MINUTE = 60_000;
    private final AtomicLong now = new AtomicLong(1_000 * MINUTE + 5_000); // 5 s into minute 1000
    private final InboxCounters counters = new InboxCounters(now::get);

    private long[] column(String scope, Count what) {
        MinuteSeries.Minute[] hour = counters.lastHour().get(scope);
        long[] c = new long[hour.length];
        for (int i = 0; i < hour.length; i++) {
            c[i] = hour[i].count(what);
        }
        return c;
    }

    @Test
    void countsLandInTheirMinuteOldestFirstEndingWithTheCurrentOne() {
        InboxCounters.Scope ledger = counters.scope("ledger");
        ledger.count(Count.FIRST_DELIVERY);
        ledger.count(Count.DUPLICATE);
        ledger.count(Count.DUPLICATE);
        now.addAndGet(MINUTE); // minute 1001
        ledger.count(Count.FAILURE);
        ledger.count(Count.RETRY);

        MinuteSeries.Minute[] hour = counters.lastHour().get("ledger");
        assertThat(hour).hasSize(60);
        assertThat(hour[59].epochMinute()).isEqualTo(1001);
        assertThat(hour[0].epochMinute()).isEqualTo(1001 - 59);
        assertThat(column("ledger", Count.DUPLICATE)[58]).isEqualTo(2);
        assertThat(column("ledger", Count.FIRST_DELIVERY)[58]).isEqualTo(1);
        assertThat(column("ledger", Count.FAILURE)[59]).isEqualTo(1);
        assertThat(column("ledger", Count.RETRY)[59]).isEqualTo(1);
        assertThat(column("ledger", Count.DUPLICATE)[59]).isZero();
        // the totals are counted as before
        assertThat(ledger.duplicates()).isEqualTo(2);
        assertThat(ledger.retries()).isEqualTo(1);
    }

    @Test
    void aMinuteOlderThanAnHourIsForgottenAndItsBucketStartsAgainFromZero() {
        InboxCounters.Scope ledger = counters.scope("ledger");
        ledger.count(Count.FIRST_DELIVERY);
        ledger.count(Count.FIRST_DELIVERY);
        now.addAndGet(59 * MINUTE); // minute 1059: minute 1000 is the oldest still shown
        assertThat(column("ledger", Count.FIRST_DELIVERY)[0]).isEqualTo(2);
        now.addAndGet(MINUTE); // minute 1060 reuses minute 1000's bucket
        assertThat(column("ledger", Count.FIRST_DELIVERY)).containsOnly(0L);
        ledger.count(Count.FIRST_DELIVERY);
        assertThat(column("ledger", Count.FIRST_DELIVERY)[59]).isEqualTo(1); // not 3: the bucket was cleared
        now.addAndGet(3 * 60 * MINUTE); // hours of silence
        assertThat(column("ledger", Count.FIRST_DELIVERY)).containsOnly(0L);
    }

    @Test
    void onlyTheFirstScopesAreCountedPerMinuteAndTheirTotalsStayCounted() {
        for (int i = 0; i < InboxCounters.MAX_SERIES_SCOPES + 5; i++) {
            counters.scope("s" + i).count(Count.FIRST_DELIVERY);
            counters.scope("s" + i).count(Count.FIRST_DELIVERY); // the same scope again creates nothing
        }
        assertThat(counters.lastHour()).hasSize(InboxCounters.MAX_SERIES_SCOPES);
        assertThat(counters.scopesWithoutSeries()).isEqualTo(5);
        assertThat(counters.scopes()).hasSize(InboxCounters.MAX_SERIES_SCOPES + 5);
        assertThat(counters.scope("s" + (InboxCounters.MAX_SERIES_SCOPES + 4)).firstDeliveries()).isEqualTo(2);
    }

    @Test
    void concurrentCountsAcrossAMinuteBoundaryAreAllKept() throws InterruptedException {
        InboxCounters.Scope ledger = counters.scope("ledger");
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    ledger.count(Count.DUPLICATE);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        now.addAndGet(MINUTE);
        ledger.count(Count.DUPLICATE);
        long[] c = column("ledger", Count.DUPLICATE);
        assertThat(c[58]).isEqualTo(40_000);
        assertThat(c[59]).isEqualTo(1);
    }
}
