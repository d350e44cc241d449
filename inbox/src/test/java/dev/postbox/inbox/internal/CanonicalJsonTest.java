package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.internal.json.CanonicalJson;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    @Test
    void keyOrderAndWhitespaceDoNotChangeTheHash() {
        String a = "{\"id\":\"evt_1\",\"amount\":{\"value\":1000,\"currency\":\"EUR\"},\"tags\":[\"a\",\"b\"]}";
        String b = "{\n  \"tags\" : [ \"a\", \"b\" ],\n\t\"amount\": {\"currency\": \"EUR\", \"value\": 1000},\r\n"
                + "  \"id\": \"evt_1\"\n}";
        assertThat(CanonicalJson.sha256(a)).isEqualTo(CanonicalJson.sha256(b)).hasSize(64);
        assertThat(CanonicalJson.canonicalize(b))
                .isEqualTo("{\"amount\":{\"currency\":\"EUR\",\"value\":1000},\"id\":\"evt_1\",\"tags\":[\"a\",\"b\"]}");
    }

    @Test
    void numbersAndEscapesAreNormalised() {
        assertThat(CanonicalJson.canonicalize("[1.0, 1e0, 10E-1, -0, 0.0, 1.50, 100, 1e2, 12345678901234567890123]"))
                .isEqualTo("[1,1,1,0,0,1.5,100,100,12345678901234567890123]");
        assertThat(CanonicalJson.canonicalize("[1e400, 1.5e-300]")).isEqualTo("[1e400,1.5e-300]");
        assertThat(CanonicalJson.sha256("{\"name\":\"\\u00e9t\\u00e9\"}"))
                .isEqualTo(CanonicalJson.sha256("{\"name\":\"été\"}"));
        assertThat(CanonicalJson.canonicalize("\"line\\nbreak\\u0001\"")).isEqualTo("\"line\\nbreak\\u0001\"");
    }

    @Test
    void differentContentGivesADifferentHash() {
        assertThat(CanonicalJson.sha256("{\"a\":[1,2]}")).isNotEqualTo(CanonicalJson.sha256("{\"a\":[2,1]}"));
        assertThat(CanonicalJson.sha256("{\"a\":\"1\"}")).isNotEqualTo(CanonicalJson.sha256("{\"a\":1}"));
    }

    @Test
    void malformedJsonIsRejected() {
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"a\":")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"a\":1} trailing"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.canonicalize("")).isInstanceOf(IllegalArgumentException.class);
    }
}
