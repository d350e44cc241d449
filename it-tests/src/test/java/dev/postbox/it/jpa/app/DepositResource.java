package dev.postbox.it.jpa.app;

import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

@Path("deposits")
public class DepositResource {

    @Inject
    DepositService deposits;

    @POST
    public Response deposit(@FormParam("account") String account, @FormParam("amount") long amount) {
        try {
            return Response.ok(String.valueOf(deposits.deposit(account, amount))).build();
        } catch (IllegalArgumentException e) {
            return Response.status(422).entity(e.getMessage()).build();
        }
    }
}
