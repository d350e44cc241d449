package dev.postbox.relay.internal.cdi;

import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.ParkedEvents;
import dev.postbox.relay.internal.DefaultOutboxRelay;
import dev.postbox.relay.internal.RelaySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Starts the relay with the application and stops it before the application goes away; makes {@link OutboxRelay}
 * and {@link ParkedEvents} injectable. Registered by {@link RelayExtension}; configured by MicroProfile Config.
 */
@ApplicationScoped
public class RelayLifecycle {

    private static final System.Logger LOG = System.getLogger(RelayLifecycle.class.getName());

    @Inject
    BeanManager beanManager;

    private DefaultOutboxRelay relay;
    private boolean enabled = true;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        DefaultOutboxRelay r = relay();
        if (r == null) {
            LOG.log(System.Logger.Level.INFO, "Outbox relay disabled (" + RelaySettings.ENABLED.name() + "=false)");
            return;
        }
        r.start();
        if (RelayExtension.present(RelayExtension.METRICS_API)) {
            beanManager.createInstance().select(RelayMetrics.class).get().register(r);
        }
    }

    void onStop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        DefaultOutboxRelay r;
        synchronized (this) {
            r = relay;
        }
        if (r != null) {
            r.stop();
        }
    }

    /** The relay, built on first use; null when disabled. */
    synchronized DefaultOutboxRelay relay() {
        if (relay == null && enabled) {
            Map<String, String> values = MicroProfileConfigReader.read(ConfigProvider.getConfig());
            enabled = MicroProfileConfigReader.enabled(values);
            if (!enabled) {
                return null;
            }
            OutboxRelay.Builder builder = OutboxRelay.builder().configure(values);
            if ("cdi".equalsIgnoreCase(values.getOrDefault(RelaySettings.SINK.name(), "").trim())) {
                builder.sink(new CdiEventSink(beanManager));
            }
            relay = (DefaultOutboxRelay) builder.build();
        }
        return relay;
    }

    @Produces
    @Dependent
    OutboxRelay outboxRelay() {
        DefaultOutboxRelay r = relay();
        if (r == null) {
            throw new IllegalStateException("the outbox relay is disabled (" + RelaySettings.ENABLED.name() + "=false)");
        }
        return r;
    }

    @Produces
    @Dependent
    ParkedEvents parkedEvents() {
        return outboxRelay().parkedEvents();
    }
}
