package dev.postbox.it.trace.app;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** Lists its resource: scanning would also find Kafka Connect's REST resources in WEB-INF/lib. */
@ApplicationPath("api")
public class TraceItApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(TracedResource.class);
    }
}
