package dev.postbox.inbox.internal.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.inbox.internal.CallWindows;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rate limit as a pure function of a hand-driven clock. */
class RateLimiterTest {

    private long now;

    @Test
    void atMostNReachTheApiInAnyOneSecondWindowWhereverInsideTheCallTheRequestIs() {
        int n = 5;
        RateLimiter limiter = new RateLimiter(0, n, () -> now);
        Random random = new Random(42);
        List<Long> requests = new ArrayList<>();
        List<long[]> running = new ArrayList<>(); // {index into slots, start time}
        List<RateLimiter.Slot> slots = new ArrayList<>();
        List<RateLimiter.Slot> reserved = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            now += random.nextInt(20_000_000); // up to 20 ms per step
            RateLimiter.Slot slot = limiter.tryReserve();
            if (slot != null) {
                reserved.add(slot);
            }
            // start a reservation after a random delay, or give it up (then it leaves no trace)
            if (!reserved.isEmpty() && random.nextInt(3) == 0) {
                RateLimiter.Slot s = reserved.remove(random.nextInt(reserved.size()));
                if (random.nextInt(10) == 0) {
                    limiter.release(s);
                } else {
                    limiter.start(s);
                    slots.add(s);
                    running.add(new long[] {slots.size() - 1, now});
                }
            }
            // end a running call; the API saw its request at a random moment between its start and now
            if (!running.isEmpty() && random.nextInt(3) == 0) {
                long[] call = running.remove(random.nextInt(running.size()));
                requests.add(call[1] + (long) (random.nextDouble() * (now - call[1])));
                limiter.release(slots.get((int) call[0]));
            }
        }
        assertThat(requests).hasSizeGreaterThan(300); // about 200 simulated seconds, calls of tens of ms
        assertThat(CallWindows.maxInAnyWindow(requests, 1_000_000_000L)).isEqualTo(n);
    }

    @Test
    void atMostMaxConcurrentRunAndAReleasedSlotIsFreeAgain() {
        RateLimiter limiter = new RateLimiter(2, 0, () -> now);
        RateLimiter.Slot a = limiter.tryReserve();
        RateLimiter.Slot b = limiter.tryReserve();
        assertThat(a).isNotNull();
        assertThat(b).isNotNull();
        assertThat(limiter.tryReserve()).isNull();
        limiter.release(a);
        limiter.release(a); // twice: no effect
        assertThat(limiter.running()).isEqualTo(1);
        assertThat(limiter.tryReserve()).isNotNull();
        assertThat(limiter.tryReserve()).isNull();
    }

    @Test
    void aReservationThatNeverStartsDoesNotUseTheSecond() {
        RateLimiter limiter = new RateLimiter(0, 1, () -> now);
        RateLimiter.Slot unused = limiter.tryReserve();
        assertThat(limiter.tryReserve()).isNull(); // reserved, not started: counts as starting now
        limiter.release(unused);
        RateLimiter.Slot used = limiter.tryReserve();
        assertThat(used).isNotNull();
        limiter.start(used);
        limiter.release(used);
        now += 999_999_999L;
        assertThat(limiter.tryReserve()).isNull();
        now += 1;
        assertThat(limiter.tryReserve()).isNotNull();
    }
}
