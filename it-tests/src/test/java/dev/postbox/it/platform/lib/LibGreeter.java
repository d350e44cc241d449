package dev.postbox.it.platform.lib;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

@ApplicationScoped
public class LibGreeter {

    @Inject
    Config config;

    @LibTraced
    public String greet(String name) {
        return "hello " + name;
    }

    /** The two keys as the library sees them through an injected Config. */
    public String configSeenByLibrary() {
        return "war=" + config.getOptionalValue("probe.war.key", String.class).orElse("<missing>")
                + " lib=" + config.getOptionalValue("probe.lib.key", String.class).orElse("<missing>");
    }
}
