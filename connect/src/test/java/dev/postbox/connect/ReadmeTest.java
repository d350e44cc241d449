package dev.postbox.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.connect.internal.OutboxRouting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's table of transform settings agrees with their declaration ({@code OutboxRouting.CONFIG}). */
class ReadmeTest {

    @Test
    void theSettingsTableListsEveryKeyWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("| key | default | meaning |"));
        table = table.substring(0, table.indexOf("\n\n"));
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\| `([^`]*)` \\|").matcher(table);
        while (row.find()) {
            documented.put(row.group(1), row.group(2));
        }
        Map<String, String> declared = new LinkedHashMap<>();
        OutboxRouting.CONFIG.configKeys().forEach((name, key) -> declared.put(name, String.valueOf(key.defaultValue)));
        assertThat(documented).isEqualTo(declared);
    }
}
