package dev.postbox.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.common.internal.config.ReadmeTable;
import dev.postbox.relay.internal.RelayKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table lists every key with its default, and no key that does not exist. */
class ReadmeTest {

    @Test
    void everyKeyIsDocumentedWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(ReadmeTable.differences(RelayKeys.ALL, readme, true)).isEmpty();
        // the root README's summary rows of relay keys show the same defaults
        assertThat(ReadmeTable.differences(RelayKeys.ALL, Files.readString(Path.of("../README.md")), false)).isEmpty();
    }
}
