package dev.postbox.it.harness;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Puts the JAX-RS resources of every test WAR under {@code /api}; added by {@link ServerWar#create}. */
@ApplicationPath("api")
public class RestApplication extends Application {
}
