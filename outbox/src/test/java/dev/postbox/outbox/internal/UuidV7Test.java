package dev.postbox.outbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UuidV7Test {

    private static long millis(UUID id) {
        return id.getMostSignificantBits() >>> 16;
    }

    private static long counter(UUID id) {
        return id.getMostSignificantBits() & 0xFFF;
    }

    @Test
    void versionIsSevenAndVariantIsIetf() {
        for (int i = 0; i < 1000; i++) {
            UUID id = UuidV7.next();
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2); // binary 10: RFC 9562
            assertThat(id.toString().charAt(14)).isEqualTo('7');
            assertThat(id.toString().charAt(19)).isIn('8', '9', 'a', 'b');
        }
    }

    @Test
    void theTimestampIsTheClocksMillisecond() throws InterruptedException {
        // A burst of more than 4096 ids in one millisecond (other tests) moves the stamp ahead of the clock;
        // let the clock catch up first.
        long ahead = millis(UuidV7.next());
        while (System.currentTimeMillis() <= ahead) {
            Thread.sleep(1);
        }
        for (int i = 0; i < 20; i++) {
            long before = System.currentTimeMillis();
            UUID id = UuidV7.next();
            long after = System.currentTimeMillis();
            assertThat(millis(id)).isBetween(before, after);
            Thread.sleep(1);
        }
    }

    @Test
    void idsStrictlyIncreaseWithinAMillisecondAndAcrossMilliseconds() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            ids.add(UuidV7.next());
        }
        int sameMillisecond = 0;
        int nextMillisecond = 0;
        for (int i = 1; i < ids.size(); i++) {
            UUID previous = ids.get(i - 1);
            UUID id = ids.get(i);
            // plain checks in the loop: an assertion object per id made this test take seconds
            if (id.compareTo(previous) <= 0 || id.toString().compareTo(previous.toString()) <= 0) {
                fail("id " + i + " (" + id + ") does not sort after " + previous + " (as UUID or as text)");
            }
            if (millis(id) == millis(previous)) {
                sameMillisecond++;
                if (counter(id) != counter(previous) + 1) {
                    fail("in one millisecond the counter went from " + counter(previous) + " to " + counter(id));
                }
            } else {
                nextMillisecond++;
            }
        }
        // both cases were really exercised
        assertThat(sameMillisecond).isGreaterThan(1000);
        assertThat(nextMillisecond).isPositive();
    }

    @Test
    void severalThreadsNeverGetTheSameId() throws Exception {
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<UUID>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<List<UUID>> generate = () -> {
                    start.await();
                    List<UUID> ids = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        ids.add(UuidV7.next());
                    }
                    return ids;
                };
                results.add(pool.submit(generate));
            }
            start.countDown();
            Set<UUID> all = new HashSet<>();
            for (Future<List<UUID>> result : results) {
                List<UUID> ids = result.get(60, TimeUnit.SECONDS);
                assertThat(ids).as("one thread's ids, in order").isSorted();
                all.addAll(ids);
            }
            assertThat(all).hasSize(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }
}
