package dev.postbox.it.callers.app;

import dev.postbox.inbox.Idempotent;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.security.Principal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import javax.sql.DataSource;

/** A transfer keyed by the Idempotency-Key header; each effect is a row, numbered, with the caller's name. */
@RequestScoped
@Path("transfers")
public class TransferResource {

    @Resource(lookup = "java:app/jdbc/postbox")
    DataSource dataSource;

    @Inject
    SecurityContext security;

    @POST
    @Idempotent(scope = "transfers")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response transfer(Transfer transfer) throws Exception {
        Principal principal = security.getCallerPrincipal();
        String caller = principal == null ? "anonymous" : principal.getName();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("insert into transfer_effect (caller, recipient, amount)"
                        + " values (?, ?, ?) returning id")) {
            s.setString(1, caller);
            s.setString(2, transfer.getTo());
            s.setLong(3, transfer.getAmount());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return Response.status(201).entity(Map.of("effect", rs.getLong(1), "caller", caller)).build();
            }
        }
    }
}
