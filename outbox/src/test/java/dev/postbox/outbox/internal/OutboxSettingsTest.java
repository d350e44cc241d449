package dev.postbox.outbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.common.internal.config.ReadmeTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The outbox's keys: one definition each, read by the common reader, documented in the README table. */
class OutboxSettingsTest {

    private static OutboxSettings read(Map<String, String> values) {
        return OutboxSettings.from(ConfigSource.of("MicroProfile Config", values));
    }

    @Test
    void defaultsAndSetValues() {
        assertThat(OutboxSettings.defaults())
                .isEqualTo(new OutboxSettings("outbox_event", "java:comp/DefaultDataSource", false, 1_048_576));
        assertThat(read(Map.of("postbox.outbox.table", "messaging.events", "postbox.outbox.delete-after-insert",
                "TRUE", "postbox.outbox.max-payload-bytes", " 2000 ", "postbox.outbox.datasource", "java:app/x")))
                .isEqualTo(new OutboxSettings("messaging.events", "java:app/x", true, 2000));
    }

    @Test
    void invalidValuesNameKeyValueWhatIsAllowedAndWhere() {
        PostboxConfigurationException e = catchThrowableOfType(PostboxConfigurationException.class,
                () -> read(Map.of("postbox.outbox.max-payload-bytes", "1MB")));
        assertThat(e.getMessage()).isEqualTo("Invalid Postbox configuration postbox.outbox.max-payload-bytes='1MB': "
                + "must be an integer of at least 1 (from MicroProfile Config)");
        assertThat(catchThrowableOfType(PostboxConfigurationException.class,
                () -> read(Map.of("postbox.outbox.delete-after-insert", "yes"))).getMessage())
                .contains("postbox.outbox.delete-after-insert='yes': must be true or false");
    }

    @Test
    void unknownOutboxKeysFailNamingTheNearestKeyButOtherModulesKeysAreNotOurs() {
        PostboxConfigurationException e = catchThrowableOfType(PostboxConfigurationException.class,
                () -> read(Map.of("postbox.outbox.delete-after-inserts", "true")));
        assertThat(e.key()).isEqualTo("postbox.outbox.delete-after-inserts");
        assertThat(e.getMessage()).contains("unknown outbox configuration key")
                .contains("did you mean postbox.outbox.delete-after-insert?").doesNotContain("'true'");
        assertThat(read(Map.of("postbox.relay.outbox-table", "x", "postbox.inbox.typo", "1", "postbox.demo.a", "b"))
                .table()).isEqualTo("outbox_event");
    }

    @Test
    void theReadmeTableListsEveryKeyWithItsDefault() throws Exception {
        assertThat(ReadmeTable.differences(OutboxSettings.KEYS, Files.readString(Path.of("README.md")), true))
                .isEmpty();
        // the root README's summary rows of outbox keys show the same defaults
        assertThat(ReadmeTable.differences(OutboxSettings.KEYS, Files.readString(Path.of("../README.md")), false))
                .isEmpty();
    }
}
