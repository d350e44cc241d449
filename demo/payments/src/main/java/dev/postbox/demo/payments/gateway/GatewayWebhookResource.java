package dev.postbox.demo.payments.gateway;

import dev.postbox.demo.payments.DemoStats;
import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.InboxResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.logging.Logger;

/**
 * {@code POST /api/webhooks/gateway}: the payment gateway's webhooks, signed with Standard Webhooks (secret
 * {@code postbox.inbox.webhooks.gateway.secrets}). The inbox verifies the signature on the raw bytes, then runs
 * {@link PaymentApplier} once per {@code webhook-id}: repeated deliveries get the stored answer, a delivery that
 * arrives while the first one is still running gets 409 (the gateway retries it later).
 */
@ApplicationScoped
@Path("webhooks/gateway")
public class GatewayWebhookResource {

    public static final String SCOPE = "gateway";
    private static final Logger LOG = Logger.getLogger(GatewayWebhookResource.class.getName());

    @Inject
    Inbox inbox;

    @Inject
    PaymentApplier applier;

    @Inject
    DemoStats stats;

    void register(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        inbox.register(SCOPE, applier::apply);
        LOG.info("Gateway webhooks: inbox handler registered for scope '" + SCOPE + "'");
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(byte[] body, @Context HttpHeaders headers) {
        stats.webhookDelivery();
        try {
            InboxResult<PaymentApplier.AppliedPayment> result =
                    inbox.processWebhook(SCOPE, headers::getHeaderString, body, PaymentApplier.AppliedPayment.class);
            if (!result.replayed()) {
                stats.webhookApplied();
                return Response.ok(result.value()).build();
            }
            stats.webhookAbsorbed();
            LOG.fine(() -> "Duplicate webhook " + headers.getHeaderString("webhook-id") + " absorbed (payment "
                    + result.value().paymentId() + " already applied)");
            return Response.ok(result.value()).header("Idempotent-Replayed", "true").build();
        } catch (DuplicateInProgressException e) {
            stats.webhookInProgress();
            throw e;
        } catch (RuntimeException e) {
            stats.webhookFailed();
            throw e;
        }
    }
}
