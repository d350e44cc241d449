package dev.postbox.relay.internal.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Relay state and slot lag, as readiness. Registered only when MicroProfile Health is present. */
@Readiness
@ApplicationScoped
public class RelayReadinessCheck implements HealthCheck {

    @Inject
    RelayLifecycle lifecycle;

    @Override
    public HealthCheckResponse call() {
        var relay = lifecycle.relay();
        return relay == null ? RelayHealth.disabled()
                : RelayHealth.readiness(relay);
    }
}
