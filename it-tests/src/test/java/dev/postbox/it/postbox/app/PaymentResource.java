package dev.postbox.it.postbox.app;

import dev.postbox.inbox.Idempotent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

@RequestScoped
@Path("payments")
public class PaymentResource {

    @Inject
    PaymentService payments;

    @Inject
    CommitProbe probe;

    @Inject
    Gate gate;

    /** Idempotent by the {@code Idempotency-Key} request header (400 without it). */
    @POST
    @Idempotent
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(PaymentRequest request) {
        PaymentView view = payments.accept(request);
        return Response.created(URI.create("payments/" + view.getId())).entity(view).build();
    }

    @POST
    @Path("{id}/refunds")
    @Produces(MediaType.TEXT_PLAIN)
    public String refund(@PathParam("id") String id) {
        return payments.refund(id);
    }

    @POST
    @Path("{id}/capture")
    @Produces(MediaType.TEXT_PLAIN)
    public Response capture(@PathParam("id") String id, @QueryParam("failAtCommit") boolean failAtCommit) {
        try {
            payments.capture(id, failAtCommit);
            return Response.ok("captured").build();
        } catch (Exception e) { // WildFly's @Transactional lets the checked RollbackException of the commit through
            return Response.status(500).entity("rolled back: " + e + "\n" + probe.report(id)).build();
        }
    }

    @POST
    @Path("audit/{ref}")
    @Produces(MediaType.TEXT_PLAIN)
    public String audit(@PathParam("ref") String ref, String note) {
        return payments.audit(ref, note);
    }

    @GET
    @Path("gates/{name}")
    @Produces(MediaType.TEXT_PLAIN)
    public String gate(@PathParam("name") String name) {
        return gate.arrived(name) ? "arrived" : "waiting";
    }

    @POST
    @Path("gates/{name}/open")
    public void open(@PathParam("name") String name) {
        gate.open(name);
    }
}
