package dev.postbox.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
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
    void jitterStaysWithinItsSpreadAndIsCapped() {
        Backoff backoff = new Backoff(Duration.ofMillis(1000), Duration.ofMillis(1500), 2.0, 0.2);
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 1000; i++) {
            Duration first = backoff.delayBeforeRetry(1, random::nextDouble);
            assertThat(first).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
            assertThat(backoff.delayBeforeRetry(2, random::nextDouble)).isBetween(Duration.ofMillis(1500), Duration.ofMillis(1500));
        }
        assertThat(backoff.delayBeforeRetry(1, () -> 0.0)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.delayBeforeRetry(1, () -> 0.999999)).isLessThan(Duration.ofMillis(1200));
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
