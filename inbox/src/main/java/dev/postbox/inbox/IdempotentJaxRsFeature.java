package dev.postbox.inbox;

import dev.postbox.inbox.internal.http.IdempotentResponseFilter;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

/**
 * Registers the inbox's JAX-RS filter, which makes a replayed answer of an {@link Idempotent} resource method that
 * returns a POJO exactly the bytes (and Content-Type) the client first received, on every server: the result is
 * written once by the server's own JSON provider, stored as those bytes, and both the first answer and every replay
 * are written from them.
 *
 * <p>An application whose {@code Application} lists no classes gets the filter by the server's scanning and needs
 * nothing. An application that lists its classes in {@code Application.getClasses()} adds this class there:
 * <pre>{@code
 * public Set<Class<?>> getClasses() {
 *     return Set.of(OrderResource.class, IdempotentJaxRsFeature.class);
 * }
 * }</pre>
 * Without the filter, a POJO result is stored as JSON-B JSON and a replay's body may differ from the first answer's
 * (property order, dates, nulls), which Postbox logs once per method.
 */
public final class IdempotentJaxRsFeature implements Feature {

    @Override
    public boolean configure(FeatureContext context) {
        if (!context.getConfiguration().isRegistered(IdempotentResponseFilter.class)) {
            context.register(IdempotentResponseFilter.class);
        }
        return true;
    }
}
