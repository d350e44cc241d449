package dev.postbox.inbox.cdi;

import dev.postbox.inbox.Idempotent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A resource that keeps the client's Idempotency-Key in its own table, as a new user writes it: the column is
 * {@code varchar(255)}, the inbox accepts keys up to 512 characters.
 */
@ApplicationScoped
@Path("/orders")
public class OrderResource {

    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger retryingCalls = new AtomicInteger();

    @POST
    @Idempotent(scope = "orders-http")
    public Response create(@HeaderParam("Idempotency-Key") String key, PaymentEvent order) throws Exception {
        calls.incrementAndGet();
        return insert(key, order);
    }

    /** The same failure, but this resource asked for retries of SQL errors: 202 and a scheduled retry. */
    @POST
    @Path("/retrying")
    @Idempotent(scope = "orders-http-retrying", retryOn = java.sql.SQLException.class, initialDelay = "PT30S")
    public Response createRetrying(@HeaderParam("Idempotency-Key") String key, PaymentEvent order) throws Exception {
        retryingCalls.incrementAndGet();
        return insert(key, order);
    }

    private static Response insert(String key, PaymentEvent order) throws Exception {
        try (var c = TestEnvironment.database.jta.dataSource().getConnection();
                var ps = c.prepareStatement("INSERT INTO orders (idempotency_key, amount) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setLong(2, order.getAmount());
            ps.executeUpdate();
        }
        return Response.status(201).entity("created").build();
    }

    int calls() {
        return calls.get();
    }

    int retryingCalls() {
        return retryingCalls.get();
    }
}
