package dev.postbox.demo.payments;

import dev.postbox.common.WebhookVerificationException;
import dev.postbox.inbox.InboxException;
import jakarta.json.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns Postbox's typed exceptions into {@code application/problem+json} answers for callers that are not
 * {@code @Idempotent} resource methods (the webhook endpoint uses the programmatic {@code Inbox}): 409 while a
 * duplicate is in progress, 422 for a reused key with another payload, 401 for a bad signature, and so on.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<RuntimeException> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

    @Override
    public Response toResponse(RuntimeException e) {
        if (e instanceof jakarta.ws.rs.WebApplicationException w) {
            return w.getResponse();
        }
        int status;
        if (e instanceof InboxException inbox) {
            status = inbox.httpStatus();
        } else if (e instanceof WebhookVerificationException) {
            status = 401;
        } else {
            status = 500;
            LOG.log(Level.WARNING, "Unexpected failure answered with 500", e);
        }
        String body = Json.createObjectBuilder()
                .add("title", e.getClass().getSimpleName())
                .add("status", status)
                .add("detail", String.valueOf(e.getMessage()))
                .build().toString();
        return Response.status(status).type(new MediaType("application", "problem+json")).entity(body).build();
    }
}
