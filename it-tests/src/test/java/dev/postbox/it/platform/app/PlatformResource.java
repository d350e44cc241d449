package dev.postbox.it.platform.app;

import dev.postbox.it.platform.lib.LibGreeter;
import dev.postbox.it.platform.lib.LibStartup;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.ConfigProvider;

/** The WAR's view of the library jar's beans (question 3). */
@Path("platform")
@Produces(MediaType.TEXT_PLAIN)
public class PlatformResource {

    @Inject
    LibGreeter greeter;

    @Inject
    LibStartup startup;

    @Inject
    OuterTransaction outer;

    @GET
    @Path("greet")
    public String greet() {
        return greeter.greet("postbox");
    }

    @GET
    @Path("config")
    public String config() {
        var config = ConfigProvider.getConfig();
        return "app: war=" + config.getOptionalValue("probe.war.key", String.class).orElse("<missing>")
                + " lib=" + config.getOptionalValue("probe.lib.key", String.class).orElse("<missing>")
                + "\nlibrary: " + greeter.configSeenByLibrary();
    }

    @GET
    @Path("executor")
    public String executor() throws Exception {
        return startup.executor() + "\n" + startup.scheduledTask();
    }

    @POST
    @Path("requires-new")
    public String requiresNew() {
        try {
            outer.insertThenFail();
            return "outer transaction did not fail";
        } catch (OuterTransaction.Failed e) {
            return e.getMessage();
        }
    }
}
