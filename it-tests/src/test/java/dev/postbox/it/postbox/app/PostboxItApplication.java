package dev.postbox.it.postbox.app;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The JAX-RS application of the test WAR, with its classes listed. It must not rely on scanning: with an empty
 * {@code getClasses()} JAX-RS includes every resource in WEB-INF/lib, and Kafka Connect's runtime (a dependency
 * of the Debezium engine in postbox-debezium) carries REST resources that cannot be instantiated outside a Connect
 * worker (the deployment fails with WELD-001408 for {@code Herder}).
 */
@ApplicationPath("api")
public class PostboxItApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(PaymentResource.class, ConsumerResource.class, WebhookResource.class,
                InboxHistoryResource.class, RelayResource.class, DiagnosticsResource.class,
                InboxExceptionMapper.class, WebhookRejectedMapper.class);
    }
}
