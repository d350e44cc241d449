package dev.postbox.outbox.internal.cdi;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.internal.config.MicroProfileConfigSource;
import dev.postbox.outbox.internal.OutboxSettings;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;

/**
 * Registers the outbox beans (the jar needs no beans.xml) and checks the configuration while the application
 * deploys: an invalid value fails the deployment with the key named.
 */
public class OutboxExtension implements Extension {

    void registerBeans(@Observes BeforeBeanDiscovery discovery, BeanManager beanManager) {
        discovery.addAnnotatedType(beanManager.createAnnotatedType(OutboxEnvironment.class),
                OutboxEnvironment.class.getName());
        discovery.addAnnotatedType(beanManager.createAnnotatedType(CdiOutbox.class), CdiOutbox.class.getName());
    }

    void validateConfiguration(@Observes AfterDeploymentValidation validation) {
        try {
            OutboxSettings.from(MicroProfileConfigSource.current());
        } catch (PostboxConfigurationException e) {
            validation.addDeploymentProblem(e);
        }
    }
}
