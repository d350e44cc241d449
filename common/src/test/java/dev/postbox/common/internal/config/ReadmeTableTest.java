package dev.postbox.common.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadmeTableTest {

    static final ConfigKey<Integer> ATTEMPTS = ConfigKey.integer("postbox.test.max-attempts", 1, 10)
            .defaultValue("5").description("Attempts, the first included.");
    static final ConfigKey<String> URL = ConfigKey.string("postbox.test.url").description("Where to.");
    static final KeySet KEYS = KeySet.of("test", "postbox.test.", List.of(ATTEMPTS, URL));

    @Test
    void aRenderedTableAgreesWithItsKeys() {
        String table = ReadmeTable.render(KEYS);
        assertThat(table).contains("| `postbox.test.max-attempts` | `5` | Attempts, the first included. |")
                .contains("| `postbox.test.url` | – | Where to. |");
        assertThat(ReadmeTable.differences(KEYS, "# Module\n\n" + table, true)).isEmpty();
    }

    @Test
    void missingRowsWrongDefaultsAndStrayRowsAreReported() {
        String readme = """
                | key | default | meaning |
                |---|---|---|
                | `postbox.test.max-attempts` | `3` | attempts |
                | `postbox.test.max-atempts` | — | typo |
                | `postbox.other.key` | `1` | not ours |
                | `postbox.test.url`, `x` | – | several names: a summary row, skipped |
                """;
        assertThat(ReadmeTable.differences(KEYS, readme, true)).containsExactly(
                "postbox.test.max-attempts: README default `3`, definition `5`",
                "postbox.test.url: no row in the README table; add | `postbox.test.url` | – | Where to. |",
                "postbox.test.max-atempts: in the README table but not a key of the test");
        assertThat(ReadmeTable.differences(KEYS, readme, false)).hasSize(2);
        assertThat(ReadmeTable.rows(readme, "postbox.test.").get("postbox.test.max-atempts").defaultValue()).isNull();
    }
}
