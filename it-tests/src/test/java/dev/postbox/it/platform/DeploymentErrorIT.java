package dev.postbox.it.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.postbox.it.harness.ServerWar;
import dev.postbox.it.platform.misuse.app.MisusedPayments;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Misuse found by the Postbox extensions fails the deployment on Payara, with a message that names the method or
 * the configuration key. The deployments are unmanaged ({@code managed = false}) so that the test deploys them
 * itself and sees the failure; the harness's {@code CheckedPayaraMicroContainer} turns Payara's SEVERE records
 * into the exception's message. The relay is disabled in both WARs: only the misuse under test is wrong.
 */
@ExtendWith(ArquillianExtension.class)
class DeploymentErrorIT {

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "misused-idempotent", managed = false, testable = false)
    static WebArchive misusedIdempotent() {
        WebArchive war = ServerWar.withPostbox(ServerWar.withoutDatabase("misused-idempotent"))
                .addClass(MisusedPayments.class);
        return ServerWar.config(war, Map.of("postbox.relay.enabled", "false"));
    }

    @Deployment(name = "invalid-outbox-table", managed = false, testable = false)
    static WebArchive invalidOutboxTable() {
        WebArchive war = ServerWar.withPostbox(ServerWar.withoutDatabase("invalid-outbox-table"));
        return ServerWar.config(war, Map.of("postbox.relay.enabled", "false",
                "postbox.outbox.table", "Outbox-Event"));
    }

    @Test
    void idempotentMethodWithoutAWayToDeriveAKeyFailsTheDeploymentNamingTheMethod() {
        Throwable failure = catchThrowable(() -> deployer.deploy("misused-idempotent"));

        assertThat(failure).isNotNull();
        assertThat(ServerWar.messages(failure)).contains("@Idempotent on " + MisusedPayments.class.getName()
                + "#pay(): no way to derive an idempotency key");
    }

    @Test
    void invalidOutboxTableFailsTheDeploymentNamingTheKey() {
        Throwable failure = catchThrowable(() -> deployer.deploy("invalid-outbox-table"));

        assertThat(failure).isNotNull();
        assertThat(ServerWar.messages(failure))
                .contains("Invalid Postbox configuration postbox.outbox.table='Outbox-Event'");
    }
}
