package dev.postbox.relay.internal.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Relay liveness. Registered only when MicroProfile Health is present. */
@Liveness
@ApplicationScoped
public class RelayLivenessCheck implements HealthCheck {

    @Inject
    RelayLifecycle lifecycle;

    @Override
    public HealthCheckResponse call() {
        var relay = lifecycle.relay();
        return relay == null ? RelayHealth.disabled()
                : RelayHealth.liveness(relay);
    }
}
