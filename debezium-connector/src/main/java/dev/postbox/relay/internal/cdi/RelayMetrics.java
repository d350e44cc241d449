package dev.postbox.relay.internal.cdi;

import dev.postbox.relay.internal.DefaultOutboxRelay;
import dev.postbox.relay.internal.RelayCounters;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Exposes the relay's counters through MicroProfile Metrics (application registry), when the server has it. Loaded
 * only when the Metrics API is on the class path.
 */
final class RelayMetrics {

    private RelayMetrics() {
    }

    static void register(BeanManager beanManager, DefaultOutboxRelay relay) {
        Instance<MetricRegistry> registries = beanManager.createInstance().select(MetricRegistry.class);
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
