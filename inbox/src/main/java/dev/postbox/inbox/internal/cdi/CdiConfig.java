package dev.postbox.inbox.internal.cdi;

import dev.postbox.inbox.internal.InboxConfig;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Reads {@link InboxConfig} from MicroProfile Config (defaults when no MP Config implementation is present). */
final class CdiConfig {

    private CdiConfig() {
    }

    static InboxConfig read() {
        Config config;
        try {
            config = ConfigProvider.getConfig();
        } catch (LinkageError | RuntimeException e) {
            Logger.getLogger(CdiConfig.class.getName()).warning("no MicroProfile Config available (" + e
                    + "); the inbox uses its defaults");
            return InboxConfig.defaults();
        }
        return InboxConfig.from(name -> lookup(config, name));
    }

    private static Optional<String> lookup(Config config, String name) {
        return config.getOptionalValue(name, String.class).filter(v -> !v.isBlank());
    }
}
