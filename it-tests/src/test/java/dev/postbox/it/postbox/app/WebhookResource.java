package dev.postbox.it.postbox.app;

import dev.postbox.inbox.Inbox;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/** A Standard Webhooks receiver: verified, then processed once per {@code webhook-id}. */
@RequestScoped
@Path("webhooks")
public class WebhookResource {

    @Inject
    Inbox inbox;

    @POST
    @Path("psp")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.TEXT_PLAIN)
    public String psp(byte[] body, @Context HttpHeaders headers) {
        return inbox.processWebhook(PspWebhooks.RECEIVER, headers::getHeaderString, body, String.class).value();
    }
}
