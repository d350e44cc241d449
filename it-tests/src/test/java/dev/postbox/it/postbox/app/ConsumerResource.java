package dev.postbox.it.postbox.app;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

@Path("consumer")
public class ConsumerResource {

    @Inject
    PaymentEventsConsumer consumer;

    @POST
    @Path("rewind")
    public void rewind() {
        consumer.rewind();
    }

    @GET
    @Path("deliveries/{eventId}")
    public String deliveries(@PathParam("eventId") String eventId) {
        return String.valueOf(consumer.deliveries(eventId));
    }
}
