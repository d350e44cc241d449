package dev.postbox.it.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.postbox.it.harness.PayaraWar;
import dev.postbox.it.platform.misuse.app.MisusedPayments;
import dev.postbox.it.platform.misuse.lib.NeedsKeyExtension;
import jakarta.enterprise.inject.spi.Extension;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A misused annotation fails the deployment with a message that names the method. The deployment is unmanaged
 * ({@code managed = false}) so that the test deploys it itself and sees the failure; the harness's
 * {@code CheckedPayaraMicroContainer} turns Payara's SEVERE records into the exception's message.
 */
@ExtendWith(ArquillianExtension.class)
class DeploymentErrorIT {

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "misuse", managed = false, testable = false)
    static WebArchive misuse() {
        JavaArchive lib = ShrinkWrap.create(JavaArchive.class, "needs-key.jar")
                .addPackage(NeedsKeyExtension.class.getPackage())
                .addAsServiceProvider(Extension.class, NeedsKeyExtension.class);
        return PayaraWar.withoutDatabase("misuse").addAsLibrary(lib).addClass(MisusedPayments.class);
    }

    @Test
    void misusedAnnotationFailsTheDeploymentNamingTheMethod() {
        Throwable failure = catchThrowable(() -> deployer.deploy("misuse"));

        assertThat(failure).isNotNull();
        assertThat(PayaraWar.messages(failure))
                .contains("@NeedsKey on " + MisusedPayments.class.getName() + "#pay() needs a parameter");
    }
}
