package dev.postbox.relay.internal.cdi;

import dev.postbox.relay.internal.DefaultOutboxRelay;
import dev.postbox.relay.internal.RelayCounters;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Exposes the relay's counters through MicroProfile Metrics (application registry), when the server has it.
 * Registered as a bean by {@link RelayExtension} only when the Metrics API is on the class path.
 *
 * <p>The registry comes through an injected {@code Instance}, not {@code BeanManager.createInstance()}: Payara's
 * {@code MetricRegistry} producer reads the annotations of the injection point, and a programmatic lookup has
 * none (it failed the deployment with a NullPointerException in {@code MetricRegistryProducer}).
 */
@Dependent
public class RelayMetrics {

    @Inject
    Instance<MetricRegistry> registries;

    void register(DefaultOutboxRelay relay) {
        if (!registries.isResolvable()) {
            return;
        }
        MetricRegistry registry = registries.get();
        RelayCounters c = relay.counters();
        registry.gauge("postbox.relay.events.relayed", c, RelayCounters::relayed);
        registry.gauge("postbox.relay.retries", c, RelayCounters::retries);
        registry.gauge("postbox.relay.events.parked", c, RelayCounters::parked);
        registry.gauge("postbox.relay.events.waiting", c, RelayCounters::waiting);
        registry.gauge("postbox.relay.events.replayed", c, RelayCounters::replayed);
        registry.gauge("postbox.relay.events.in.flight", c, RelayCounters::inFlight);
        registry.gauge("postbox.relay.slot.lag.bytes", relay, DefaultOutboxRelay::slotLagBytes);
    }
}
