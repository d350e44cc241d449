package dev.postbox.demo.payments;

import dev.postbox.common.WebhookVerificationException;
import dev.postbox.inbox.InboxException;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every error the service answers is {@code application/problem+json}:
 * <ul>
 *   <li>the application's own answers ({@link Problems}) pass through as they are;</li>
 *   <li>a request body that is not JSON, or does not fit the request type ({@code {"amount": "abc"}}), is 400
 *       naming the field when JSON-B says which: JAX-RS reports it as a {@code ProcessingException} caused by a
 *       {@code JsonbException}, which would otherwise be a 500;</li>
 *   <li>a bare {@code WebApplicationException} (the server's own 404/405/415) gets a problem body;</li>
 *   <li>Postbox's typed exceptions for callers that are not {@code @Idempotent} resource methods (the webhook
 *       endpoint uses the programmatic {@code Inbox}): 409 while a duplicate is in progress, 422 for a reused key
 *       with another payload, 401 for a bad signature, and so on.</li>
 * </ul>
 */
@Provider
public class ProblemMapper implements ExceptionMapper<RuntimeException> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());
    /** How Yasson names the property it could not bind: "Unable to deserialize property 'amount' because of: ...". */
    private static final Pattern PROPERTY = Pattern.compile("property '([^']{1,100})'");

    @Override
    public Response toResponse(RuntimeException e) {
        if (e instanceof WebApplicationException w) {
            Response r = w.getResponse();
            if (r.hasEntity() || r.getStatus() < 400) {
                return r;
            }
            Response.StatusType status = r.getStatusInfo();
            return Response.fromResponse(r).type(Problems.PROBLEM_JSON).entity(Problems.body(status.getStatusCode(),
                    status.getReasonPhrase(), w.getMessage(), null)).build();
        }
        if (bindingFailure(e)) {
            return badBody(e);
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
        return Problems.response(status, e.getClass().getSimpleName(), String.valueOf(e.getMessage()), null);
    }

    /** The request body could not be read as the method's parameter: a JSON-B or JSON-P failure in the chain. */
    static boolean bindingFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonbException || t instanceof JsonException) {
                return true;
            }
        }
        return false;
    }

    /** 400, naming the field JSON-B could not bind, or saying the body is not the expected JSON object. */
    static Response badBody(Throwable e) {
        String field = null;
        for (Throwable t = e; t != null && field == null; t = t.getCause() == t ? null : t.getCause()) {
            Matcher m = PROPERTY.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                field = m.group(1);
            }
        }
        String detail = field != null
                ? "field '" + field + "' has a value of the wrong type (see the API: amounts are whole numbers of cents)"
                : "the request body is not a JSON object of the expected shape (malformed JSON, or a string, number, "
                        + "boolean or array where an object is expected)";
        return Problems.response(400, "Invalid request body", detail, field);
    }
}
