package dev.postbox.it.exact.app;

import dev.postbox.inbox.Idempotent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The same receipt from an {@code @Idempotent} method returning a POJO and from a plain one: the plain one's body is
 * what the server's own provider writes, which the idempotent one's first answer and replays must equal.
 */
@RequestScoped
@Path("receipts")
public class ReceiptResource {

    static final AtomicInteger CALLS = new AtomicInteger();

    @POST
    @Idempotent(scope = "receipts")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Receipt issue(Map<String, Object> request) {
        CALLS.incrementAndGet();
        return receipt(request);
    }

    @POST
    @Path("plain")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Receipt plain(Map<String, Object> request) {
        return receipt(request);
    }

    @GET
    @Path("calls")
    @Produces(MediaType.TEXT_PLAIN)
    public String calls() {
        return String.valueOf(CALLS.get());
    }

    private static Receipt receipt(Map<String, Object> request) {
        Receipt receipt = new Receipt();
        receipt.setZone("eu-west");
        receipt.setNumber(((Number) request.get("number")).longValue());
        receipt.setIssued(new Date(1_767_225_600_000L)); // 2026-01-01T00:00:00Z
        receipt.setNote(null);
        receipt.setAmount("12.50");
        receipt.setLedgerRef("L-" + receipt.getNumber());
        return receipt;
    }
}
