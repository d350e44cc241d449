package dev.postbox.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysGrowByTheFactorUntilTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.0);
        assertThat(backoff.delayBeforeRetry(1, () -> 0.5)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delayBeforeRetry(2, () -> 0.5)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delayBeforeRetry(4, () -> 0.5)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.delayBeforeRetry(5, () -> 0.5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delayBeforeRetry(500, () -> 0.5)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterStaysWithinItsSpreadAroundTheCappedDelay() {
        Backoff backoff = new Backoff(Duration.ofMillis(1000), Duration.ofMillis(1500), 2.0, 0.2);
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 1000; i++) {
            Duration first = backoff.delayBeforeRetry(1, random::nextDouble);
            assertThat(first).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
            // 2000 ms capped to 1500 ms, then ±20 %: at most jitter × maxDelay beyond the cap
            assertThat(backoff.delayBeforeRetry(2, random::nextDouble)).isBetween(Duration.ofMillis(1200), Duration.ofMillis(1800));
        }
        assertThat(backoff.delayBeforeRetry(1, () -> 0.0)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.delayBeforeRetry(1, () -> 0.999999)).isLessThan(Duration.ofMillis(1200));
    }

    @Test
    void cappedRetriesWithJitterAreSpreadNotAllAtTheCap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 2.0, 0.2);
        SplittableRandom random = new SplittableRandom(7);
        // retries far past the cap (2^19 s uncapped): e.g. many records that failed in one outage
        List<Duration> delays = IntStream.range(0, 200).mapToObj(i -> backoff.delayBeforeRetry(20, random::nextDouble))
                .toList();

        assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(Duration.ofSeconds(48), Duration.ofSeconds(72)));
        assertThat(new HashSet<>(delays)).hasSizeGreaterThan(150);
        LongSummaryStatistics millis = delays.stream().mapToLong(Duration::toMillis).summaryStatistics();
        assertThat(millis.getMax() - millis.getMin()).as("spread of the capped delays in ms").isGreaterThan(15_000);
        // the bounds are exact at the extremes of the random source
        assertThat(backoff.delayBeforeRetry(20, () -> 0.0)).isEqualTo(Duration.ofSeconds(48));
        assertThat(backoff.delayBeforeRetry(20, () -> 0.5)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.delayBeforeRetry(20, () -> 0.999999)).isLessThan(Duration.ofSeconds(72))
                .isGreaterThan(Duration.ofSeconds(71));
    }

    @Test
    void invalidSettingsAreRejectedWithTheirValue() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2, 0))
                .hasMessageContaining("initialDelay must be positive");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0))
                .hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5, 0))
                .hasMessageContaining("factor");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1.5))
                .hasMessageContaining("jitter");
        assertThatThrownBy(() -> Backoff.DEFAULT.delayBeforeRetry(0, () -> 0.5)).hasMessageContaining("start at 1");
    }
}
