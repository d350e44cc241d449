package dev.postbox.inbox.cdi;

import dev.postbox.inbox.Idempotent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A JAX-RS resource as an application writes it; the key comes from the Idempotency-Key header. */
@ApplicationScoped
@Path("/payments")
public class PaymentResource {

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @POST
    @Idempotent
    public Response create(PaymentEvent payment) throws Exception {
        count("create");
        TestEnvironment.database.effect("http", payment.getId(), Long.toString(payment.getAmount()));
        return Response.status(201).type(MediaType.APPLICATION_JSON).header("Location", "/payments/" + payment.getId())
                .entity(Map.of("id", payment.getId(), "status", "captured")).build();
    }

    @POST
    @Path("/receipt")
    @Idempotent(scope = "receipts")
    public Map<String, Object> receipt(PaymentEvent payment) {
        return Map.of("receipt", "r-" + payment.getId(), "n", count("receipt"));
    }

    @POST
    @Path("/small")
    @Idempotent(scope = "small")
    public Response rejectSmall(PaymentEvent payment) {
        count("small");
        throw new WebApplicationException(Response.status(400).type(MediaType.TEXT_PLAIN)
                .entity("amount " + payment.getAmount() + " is below the minimum").build());
    }

    @POST
    @Path("/flaky")
    @Idempotent(scope = "flaky-http", initialDelay = "PT30S")
    public Response flaky(PaymentEvent payment) {
        count("flaky");
        throw new IllegalStateException("acquirer timeout");
    }

    int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    private int count(String method) {
        return calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    }
}
