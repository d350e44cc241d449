package dev.postbox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.common.Backoff;
import dev.postbox.relay.internal.ParkingRule.Decision;
import dev.postbox.relay.internal.ParkingRule.Failure;
import dev.postbox.relay.internal.ParkingRule.Park;
import dev.postbox.relay.internal.ParkingRule.Retry;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** The relay's parking rule alone: retry after a delay, park (permanent or poison), or call it an outage. */
class ParkingRuleTest {

    /** 100 ms doubling up to 1 s, no jitter: delays are exact. */
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.0);
    private static final DoubleSupplier MIDDLE = () -> 0.5;

    private final ParkingRule rule = new ParkingRule(3, BACKOFF);

    private Decision decide(int attempts, boolean permanent, long delivered, long inARow) {
        return rule.decide(new Failure(attempts, permanent, delivered, inARow), MIDDLE);
    }

    @Test
    void aPermanentFailureParksAtTheFirstAttemptEvenDuringAnOutage() {
        assertThat(decide(1, true, 0, 1)).isEqualTo(new Park(true));
        assertThat(decide(1, true, 0, 500)).isEqualTo(new Park(true));
    }

    @Test
    void aRetryableFailureIsRetriedBeforeMaxAttemptsWhateverElseIsDelivered() {
        assertThat(decide(1, false, 1000, 1)).isEqualTo(new Retry(Duration.ofMillis(100), false));
        assertThat(decide(2, false, 1000, 1)).isEqualTo(new Retry(Duration.ofMillis(200), false));
    }

    @Test
    void atMaxAttemptsItIsParkedAsPoisonOnlyWhenAnotherEventWasDeliveredSinceItsFirstFailure() {
        assertThat(decide(3, false, 1, 1)).isEqualTo(new Park(false));
        assertThat(decide(7, false, 1, 1)).as("a lone failing event parks as soon as others flow")
                .isEqualTo(new Park(false));
        assertThat(decide(3, false, 0, 3)).as("nothing delivered since: could be an outage")
                .isInstanceOf(Retry.class);
    }

    @Test
    void whenNothingIsDeliveredNothingIsParkedHoweverManyAttemptsFail() {
        for (int attempts = 1; attempts <= 1000; attempts++) {
            assertThat(decide(attempts, false, 0, attempts)).as("attempt " + attempts).isInstanceOf(Retry.class);
        }
    }

    @Test
    void theSinkLooksDownAfterMaxOfThreeAndMaxAttemptsFailuresInARow() {
        assertThat(((Retry) decide(1, false, 0, 2)).sinkLooksDown()).isFalse();
        assertThat(((Retry) decide(1, false, 0, 3)).sinkLooksDown()).isTrue();
        ParkingRule five = new ParkingRule(5, BACKOFF);
        assertThat(five.retry(new Failure(1, false, 0, 4), MIDDLE).sinkLooksDown()).isFalse();
        assertThat(five.retry(new Failure(1, false, 0, 5), MIDDLE).sinkLooksDown()).isTrue();
        ParkingRule one = new ParkingRule(1, BACKOFF);
        assertThat(one.retry(new Failure(1, false, 0, 2), MIDDLE).sinkLooksDown()).as("never below three").isFalse();
        assertThat(one.decide(new Failure(1, false, 1, 1), MIDDLE)).as("max-attempts 1: parked at the first failure")
                .isEqualTo(new Park(false));
    }

    @Test
    void retryDelaysGrowAndAreCappedAlsoForVeryManyAttempts() {
        assertThat(((Retry) decide(3, false, 0, 3)).delay()).isEqualTo(Duration.ofMillis(400));
        assertThat(((Retry) decide(4, false, 0, 4)).delay()).isEqualTo(Duration.ofMillis(800));
        assertThat(((Retry) decide(5, false, 0, 5)).delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(((Retry) decide(Integer.MAX_VALUE, false, 0, Long.MAX_VALUE)).delay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterComesFromTheGivenSource() {
        ParkingRule jittered = new ParkingRule(3, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.2));
        assertThat(jittered.retry(new Failure(1, false, 0, 1), () -> 0.0).delay()).isEqualTo(Duration.ofMillis(80));
        assertThat(jittered.retry(new Failure(1, false, 0, 1), () -> 0.5).delay()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aParkingThatCannotBeWrittenBecomesARetry() {
        Retry fallback = rule.retry(new Failure(3, false, 1, 1), MIDDLE);
        assertThat(fallback).isEqualTo(new Retry(Duration.ofMillis(400), false));
    }

    @Test
    void maxAttemptsMustBePositive() {
        assertThatThrownBy(() -> new ParkingRule(0, BACKOFF)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts");
    }
}
