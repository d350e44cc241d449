package dev.postbox.it.postbox.app;

import dev.postbox.common.WebhookVerificationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 401 for a bad signature or timestamp, 400 for missing or malformed headers. */
@Provider
public class WebhookRejectedMapper implements ExceptionMapper<WebhookVerificationException> {

    @Override
    public Response toResponse(WebhookVerificationException e) {
        int status = switch (e.reason()) {
            case SIGNATURE_MISMATCH, TIMESTAMP_OUT_OF_TOLERANCE -> 401;
            case MISSING_HEADER, MALFORMED -> 400;
        };
        return Response.status(status).type(MediaType.TEXT_PLAIN).entity(e.getMessage()).build();
    }
}
