package dev.postbox.common.internal.config;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * MicroProfile Config as a {@link ConfigSource}, for the modules' CDI layers. Names are listed through
 * {@link Config#getPropertyNames()}, so unknown {@code postbox.*} keys and pass-through keys are found; values
 * are looked up one by one, so environment variables ({@code POSTBOX_INBOX_BATCH_SIZE}) count for declared keys.
 */
public final class MicroProfileConfigSource {

    public static final String DESCRIPTION = "MicroProfile Config";

    private MicroProfileConfigSource() {
    }

    /** The application's configuration ({@link ConfigProvider#getConfig()}). */
    public static ConfigSource current() {
        return of(ConfigProvider.getConfig());
    }

    public static ConfigSource of(Config config) {
        return ConfigSource.of(DESCRIPTION, name -> config.getOptionalValue(name, String.class),
                config::getPropertyNames);
    }
}
