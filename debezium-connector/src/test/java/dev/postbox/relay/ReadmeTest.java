package dev.postbox.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.relay.internal.RelaySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table lists every key with its default. */
class ReadmeTest {

    @Test
    void everyKeyIsDocumentedWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (RelaySettings.Key key : RelaySettings.all()) {
            String row = "| `" + key.name() + "` | " + (key.defaultValue() == null ? "—" : "`" + key.defaultValue() + "`") + " |";
            assertThat(readme).as("README row for " + key.name()).contains(row);
        }
    }
}
