package dev.postbox.it.exact.app;

import dev.postbox.inbox.IdempotentJaxRsFeature;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * Lists its classes (scanning would also find Kafka Connect's REST resources in WEB-INF/lib), and with them the
 * inbox's feature: an application that lists its classes must, or replays of POJO results are not exact.
 */
@ApplicationPath("api")
public class ExactApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(ReceiptResource.class, IdempotentJaxRsFeature.class);
    }
}
