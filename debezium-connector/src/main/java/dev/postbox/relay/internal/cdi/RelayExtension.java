package dev.postbox.relay.internal.cdi;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.relay.OutboxRelay;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Registers the relay's beans (the jar needs no beans.xml) and checks its configuration at deployment, so a bad
 * value fails the deployment with the key named instead of surfacing later.
 */
public class RelayExtension implements Extension {

    static final String METRICS_API = "org.eclipse.microprofile.metrics.MetricRegistry";

    void registerBeans(@Observes BeforeBeanDiscovery bbd, BeanManager bm) {
        bbd.addAnnotatedType(bm.createAnnotatedType(RelayLifecycle.class), RelayLifecycle.class.getName());
        if (present("org.eclipse.microprofile.health.HealthCheck")) {
            bbd.addAnnotatedType(bm.createAnnotatedType(RelayReadinessCheck.class), RelayReadinessCheck.class.getName());
            bbd.addAnnotatedType(bm.createAnnotatedType(RelayLivenessCheck.class), RelayLivenessCheck.class.getName());
        }
        if (present(METRICS_API)) {
            bbd.addAnnotatedType(bm.createAnnotatedType(RelayMetrics.class), RelayMetrics.class.getName());
        }
    }

    void validateConfiguration(@Observes AfterDeploymentValidation adv) {
        try {
            ConfigSource source = MicroProfileConfigReader.source(ConfigProvider.getConfig());
            if (MicroProfileConfigReader.enabled(source)) {
                MicroProfileConfigReader.read(source);
            }
        } catch (PostboxConfigurationException e) {
            adv.addDeploymentProblem(e);
        }
    }

    static boolean present(String className) {
        try {
            Class.forName(className, false, OutboxRelay.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
