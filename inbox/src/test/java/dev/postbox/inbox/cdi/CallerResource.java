package dev.postbox.inbox.cdi;

import dev.postbox.inbox.Idempotent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A JAX-RS resource several users call with the same Idempotency-Key; each call numbers its answer. */
@ApplicationScoped
@Path("/transfers")
public class CallerResource {

    private final AtomicInteger calls = new AtomicInteger();

    @POST
    @Idempotent(scope = "transfers")
    public Response transfer(PaymentEvent payment) throws Exception {
        int n = calls.incrementAndGet();
        TestEnvironment.database.effect("transfers", payment.getId(), Integer.toString(n));
        return Response.status(201).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("id", payment.getId(), "amount", payment.getAmount(), "call", n)).build();
    }

    int calls() {
        return calls.get();
    }
}
