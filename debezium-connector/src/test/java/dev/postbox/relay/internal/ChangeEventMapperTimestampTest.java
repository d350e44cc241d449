package dev.postbox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChangeEventMapperTimestampTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-25T20:12:00Z", "2026-11-25T20:12:00.1Z", "2026-11-25T20:12:00.123456Z",
        "2026-11-25T20:12:00.123456789Z", "1999-12-31T23:59:59.999999Z", "2026-11-25T20:12:00.123+02:00",
        "2026-02-28T00:00:00.000010Z"})
    void theFastPathAgreesWithTheJdkParser(String text) {
        Instant expected = OffsetDateTime.parse(text).toInstant();
        assertThat(ChangeEventMapper.parseTimestamp(text)).isEqualTo(expected);
    }
}
