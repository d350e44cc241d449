package dev.postbox.it.harness;

import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * The harness's fixes to the Arquillian adapters (META-INF/services), per server: on Payara Micro the adapter is
 * replaced by {@link CheckedPayaraMicroContainer}. Only the adapter of the run's server is on the class path (the pom
 * excludes the others per failsafe execution: Arquillian accepts one adapter only), so nothing here may load another
 * server's classes.
 */
public class PostboxArquillianExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        switch (Server.current()) {
            case PAYARA -> PayaraFixes.register(builder);
            case WILDFLY -> {
                // the WildFly adapter reports failed deployments with the server's reason: nothing to fix
            }
            // TODO-liberty: case LIBERTY -> ...
        }
    }

    /** Separate class: its constant pool names the Payara adapter, which is absent from other servers' runs. */
    private static final class PayaraFixes {
        static void register(ExtensionBuilder builder) {
            builder.override(DeployableContainer.class, PayaraMicroDeployableContainer.class,
                    CheckedPayaraMicroContainer.class);
        }
    }
}
