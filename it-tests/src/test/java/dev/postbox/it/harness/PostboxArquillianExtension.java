package dev.postbox.it.harness;

import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/** Replaces the Payara Micro adapter by {@link CheckedPayaraMicroContainer} (META-INF/services). */
public class PostboxArquillianExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.override(DeployableContainer.class, PayaraMicroDeployableContainer.class,
                CheckedPayaraMicroContainer.class);
    }
}
