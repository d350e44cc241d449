package dev.postbox.common.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"PT10S, PT10S", "pt0.5s, PT0.5S", "P7D, PT168H", "P1DT2H, PT26H", "500ms, PT0.5S", "10s, PT10S",
        "5m, PT5M", "2h, PT2H", "1d, PT24H", "' 10 s ', PT10S", "10S, PT10S", "0, PT0S", "0ms, PT0S"})
    void isoAndNumbersWithAUnitAreOneGrammar(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"500", "10 seconds", "1.5s", "soon", "", "P", "PT", "5 minutes", "1w", "-", "s",
        "99999999999999999d"})
    void anythingElseIsRejectedNamingTheGrammar(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Durations.GRAMMAR);
    }

    @ParameterizedTest
    @ValueSource(strings = {"500", "10"})
    void aNumberWithoutAUnitIsToldToAddOne(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).hasMessageStartingWith("a number needs a unit");
    }
}
