package dev.postbox.inbox.internal.cdi;

import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.common.internal.config.MicroProfileConfigSource;
import dev.postbox.inbox.internal.InboxConfig;
import java.util.logging.Logger;

/** Reads {@link InboxConfig} from MicroProfile Config (defaults when no MP Config implementation is present). */
final class CdiConfig {

    private CdiConfig() {
    }

    static InboxConfig read() {
        ConfigSource source;
        try {
            source = MicroProfileConfigSource.current();
        } catch (LinkageError | RuntimeException e) {
            Logger.getLogger(CdiConfig.class.getName()).warning("no MicroProfile Config available (" + e
                    + "); the inbox uses its defaults");
            return InboxConfig.defaults();
        }
        return InboxConfig.from(source);
    }
}
