package dev.postbox.it.postbox.app;

import dev.postbox.inbox.InboxException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Inbox exceptions of programmatic calls (the webhook receiver) as their HTTP status. */
@Provider
public class InboxExceptionMapper implements ExceptionMapper<InboxException> {

    @Override
    public Response toResponse(InboxException e) {
        return Response.status(e.httpStatus()).type(MediaType.TEXT_PLAIN).entity(e.getMessage()).build();
    }
}
