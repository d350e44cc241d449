package dev.postbox.it.platform.lib;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * What a relay or retry scheduler would do at deployment: look up the managed scheduled executor from a library
 * bean while the application starts, and schedule work on it.
 */
@ApplicationScoped
public class LibStartup {

    private final CompletableFuture<String> scheduled = new CompletableFuture<>();
    private volatile String executor = "<not looked up>";

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        try {
            ManagedScheduledExecutorService ses = (ManagedScheduledExecutorService) new InitialContext()
                    .lookup("java:comp/DefaultManagedScheduledExecutorService");
            executor = ses.getClass().getName();
            ses.schedule(() -> scheduled.complete("ran on " + Thread.currentThread().getName()), 10,
                    TimeUnit.MILLISECONDS);
        } catch (NamingException | RuntimeException e) {
            executor = "lookup failed: " + e;
        }
    }

    public String executor() {
        return executor;
    }

    public String scheduledTask() throws Exception {
        return scheduled.get(30, TimeUnit.SECONDS);
    }
}
