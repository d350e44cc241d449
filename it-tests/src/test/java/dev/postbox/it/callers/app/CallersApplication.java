package dev.postbox.it.callers.app;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** Lists its resources: a scanning application would also pick up Kafka Connect's (see ServerWar.withPostbox). */
@ApplicationPath("api")
public class CallersApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(TransferResource.class);
    }
}
