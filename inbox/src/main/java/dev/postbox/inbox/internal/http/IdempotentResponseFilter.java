package dev.postbox.inbox.internal.http;

import dev.postbox.inbox.internal.store.StoredResult;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.Providers;

/**
 * Makes the answer of an {@code @Idempotent} resource method that returns a POJO exactly the same bytes on the first
 * delivery and on every replay. Before the method runs it keeps the server's providers in {@link JaxRsExchange}, so
 * the inbox stores the body as the server's own writer makes it ({@link ExactBody}); after the method returned it
 * replaces the response's entity with those stored bytes and their Content-Type (and marks a replay with
 * {@code Idempotent-Replayed: true}).
 *
 * <p>Found by the server's scanning ({@link Provider}) when the application lists no classes; an application that
 * lists its classes in {@code Application.getClasses()} adds {@link dev.postbox.inbox.IdempotentJaxRsFeature}.
 * Priority {@code USER + 1000}: response filters run in descending priority, so it runs early and the
 * application's own response filters see the final entity.
 */
@Provider
@Priority(Priorities.USER + 1000)
public class IdempotentResponseFilter implements ContainerRequestFilter, ContainerResponseFilter {

    @Context
    Providers providers;

    @Context
    ResourceInfo resourceInfo;

    @Override
    public void filter(ContainerRequestContext request) {
        JaxRsExchange.set(new JaxRsExchange(providers, resourceInfo == null ? null : resourceInfo.getResourceMethod(),
                request.getAcceptableMediaTypes()));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        JaxRsExchange exchange = JaxRsExchange.current();
        JaxRsExchange.clear();
        StoredResult answer = exchange == null ? null : exchange.answer();
        if (answer == null) {
            return;
        }
        response.setStatus(answer.httpStatus() == null ? 200 : answer.httpStatus());
        response.setEntity(ExactBody.bytes(answer), response.getEntityAnnotations(),
                MediaType.valueOf(answer.headers().get(HttpHeaders.CONTENT_TYPE)));
        if (exchange.replayed()) {
            response.getHeaders().putSingle(JaxRs.REPLAYED_HEADER, "true");
        }
    }
}
