package dev.postbox.it.trace.app;

import dev.postbox.inbox.Idempotent;
import dev.postbox.outbox.Outbox;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** An idempotent endpoint that publishes an outbox event: the request's trace must reach both tables. */
@RequestScoped
@Path("/traced")
public class TracedResource {

    @Inject
    Outbox outbox;

    @POST
    @Idempotent(scope = "traced")
    @Transactional
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(Map<String, Object> order) {
        outbox.publish("Order", String.valueOf(order.get("id")), "OrderPlaced", order);
        return Response.status(201).entity("{\"ok\":true}").type(MediaType.APPLICATION_JSON).build();
    }
}
