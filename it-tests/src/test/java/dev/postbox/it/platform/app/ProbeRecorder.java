package dev.postbox.it.platform.app;

import jakarta.enterprise.context.ApplicationScoped;

/** A CDI bean that the entity listener asks to have injected. */
@ApplicationScoped
public class ProbeRecorder {

    public String name() {
        return "recorder";
    }
}
