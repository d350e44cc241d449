package dev.postbox.it.postbox.app;

import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.RelayStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The relay the CDI layer started with the application. */
@Path("relay")
public class RelayResource {

    @Inject
    OutboxRelay relay;

    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public String status() {
        RelayStatus s = relay.status();
        return Json.PROVIDER.createObjectBuilder().add("state", s.state().name()).add("retries", s.retries())
                .add("eventsRelayed", s.eventsRelayed()).add("parked", s.parked()).add("sinkOutage", s.sinkOutage())
                .add("lastError", s.lastError() == null ? "" : s.lastError()).build().toString();
    }
}
