package dev.postbox.relay.internal.cdi;

import dev.postbox.relay.internal.RelaySettings;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/** Reads every {@code postbox.relay.*} value from MicroProfile Config (environment variables included). */
final class MicroProfileConfigReader {

    private MicroProfileConfigReader() {
    }

    static Map<String, String> read(Config config) {
        Map<String, String> values = new HashMap<>();
        // declared keys one by one: MicroProfile maps them to environment variables (POSTBOX_RELAY_JDBC_URL ...)
        for (RelaySettings.Key key : RelaySettings.all()) {
            if (!key.name().endsWith("*")) {
                config.getOptionalValue(key.name(), String.class).ifPresent(v -> values.put(key.name(), v));
            }
        }
        // pass-through keys and typos can only be found by listing names
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(RelaySettings.PREFIX) && !values.containsKey(name)) {
                config.getOptionalValue(name, String.class).ifPresent(v -> values.put(name, v));
            }
        }
        return values;
    }

    static boolean enabled(Map<String, String> values) {
        return !"false".equalsIgnoreCase(values.getOrDefault(RelaySettings.ENABLED.name(), "true").trim());
    }
}
