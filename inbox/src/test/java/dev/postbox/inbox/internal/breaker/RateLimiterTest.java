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
    void atMostNStartInAnyOneSecondWindowWhateverTheDelayBetweenReservationAndStart() {
        int n = 5;
        RateLimiter limiter = new RateLimiter(0, n, () -> now);
        Random random = new Random(42);
        List<Long> starts = new ArrayList<>();
        List<RateLimiter.Slot> pending = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            now += random.nextInt(20_000_000); // up to 20 ms per step
            RateLimiter.Slot slot = limiter.tryReserve();
            if (slot != null) {
                pending.add(slot);
            }
            // start (or give up) a random pending reservation: delays between reservation and start vary
            if (!pending.isEmpty() && random.nextInt(3) == 0) {
                RateLimiter.Slot s = pending.remove(random.nextInt(pending.size()));
                if (random.nextInt(10) == 0) {
                    limiter.release(s); // never started: leaves no trace
                } else {
                    limiter.start(s);
                    starts.add(now);
                    limiter.release(s);
                }
            }
        }
        assertThat(starts).hasSizeGreaterThan(400); // about 200 simulated seconds at 5 per second
        assertThat(CallWindows.maxInAnyWindow(starts, 1_000_000_000L)).isEqualTo(n);
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
