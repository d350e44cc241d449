package dev.postbox.relay.internal.cdi;

import dev.postbox.common.internal.config.ConfigReader;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.common.internal.config.MicroProfileConfigSource;
import dev.postbox.relay.internal.RelayConfig;
import dev.postbox.relay.internal.RelayDraft;
import dev.postbox.relay.internal.RelayKeys;
import org.eclipse.microprofile.config.Config;

/** The relay's configuration from MicroProfile Config (environment variables included), with the common reader. */
final class MicroProfileConfigReader {

    private MicroProfileConfigReader() {
    }

    /** Declared keys are looked up one by one (so POSTBOX_RELAY_JDBC_URL works); pass-through keys and typos are listed. */
    static ConfigSource source(Config config) {
        return MicroProfileConfigSource.of(config);
    }

    /** {@code postbox.relay.enabled}: true or false only, like every boolean key. */
    static boolean enabled(ConfigSource source) {
        return ConfigReader.of(RelayKeys.ALL, source).get(RelayKeys.ENABLED);
    }

    /** The whole configuration; the CDI event sink is left for the caller to supply. */
    static RelayConfig read(ConfigSource source) {
        return new RelayDraft().build(source);
    }
}
