package dev.postbox.it.harness;

import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;
import io.openliberty.arquillian.managed.WLPManagedContainer;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * The harness's fixes to the Arquillian adapters (META-INF/services), per server: on Payara Micro (6 and 7) the adapter is
 * replaced by {@link CheckedPayaraMicroContainer}, on Open Liberty by {@link CheckedLibertyContainer}. Only the adapter of the run's server is on the class path (the pom
 * excludes the others per failsafe execution: Arquillian accepts one adapter only), so nothing here may load another
 * server's classes.
 */
public class PostboxArquillianExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        switch (Server.current()) {
            case PAYARA, PAYARA7 -> PayaraFixes.register(builder);
            case WILDFLY -> // the adapter reports failed deployments with the server's reason; the server's
                    // security domain must accept the applications' own Jakarta Security definitions
                    builder.observer(WildFlySecurityDomain.class);
            case LIBERTY -> LibertyFixes.register(builder);
        }
    }

    /** Separate class: its constant pool names the Liberty adapter, which is absent from other servers' runs. */
    private static final class LibertyFixes {
        static void register(ExtensionBuilder builder) {
            builder.override(DeployableContainer.class, WLPManagedContainer.class, CheckedLibertyContainer.class);
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
