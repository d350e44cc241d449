package dev.postbox.relay.internal.cdi;

import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.ParkedEvents;
import dev.postbox.relay.internal.DefaultOutboxRelay;
import dev.postbox.relay.internal.RelayConfig;
import dev.postbox.relay.internal.RelayKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Starts the relay with the application and stops it before the application goes away; makes {@link OutboxRelay}
 * and {@link ParkedEvents} injectable. Registered by {@link RelayExtension}; configured by MicroProfile Config.
 */
@ApplicationScoped
public class RelayLifecycle {

    private static final Logger LOG = Logger.getLogger(RelayLifecycle.class.getName());

    @Inject
    BeanManager beanManager;

    private DefaultOutboxRelay relay;
    private boolean enabled = true;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        DefaultOutboxRelay r = relay();
        if (r == null) {
            LOG.log(Level.INFO, "Outbox relay disabled (" + RelayKeys.ENABLED.name() + "=false)");
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
            ConfigSource source = MicroProfileConfigReader.source(ConfigProvider.getConfig());
            enabled = MicroProfileConfigReader.enabled(source);
            if (!enabled) {
                return null;
            }
            RelayConfig config = MicroProfileConfigReader.read(source);
            if (config.sink() instanceof RelayConfig.Cdi) {
                config = config.withSink(new RelayConfig.Cdi(new CdiEventSink(beanManager)));
            }
            relay = new DefaultOutboxRelay(config);
        }
        return relay;
    }

    @Produces
    @Dependent
    OutboxRelay outboxRelay() {
        DefaultOutboxRelay r = relay();
        if (r == null) {
            throw new IllegalStateException("the outbox relay is disabled (" + RelayKeys.ENABLED.name() + "=false)");
        }
        return r;
    }

    @Produces
    @Dependent
    ParkedEvents parkedEvents() {
        return outboxRelay().parkedEvents();
    }
}
