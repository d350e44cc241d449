package dev.postbox.it.postbox.app;

import dev.postbox.inbox.Inbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/** Registers the handler of the Standard Webhooks receiver {@code psp} when the application starts. */
@ApplicationScoped
public class PspWebhooks {

    static final String RECEIVER = "psp";

    @Inject
    Inbox inbox;

    @PersistenceContext
    EntityManager em;

    void register(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        inbox.register(RECEIVER, payload -> {
            String ref = Json.parse(payload).getString("ref");
            em.persist(new PspNotification(ref, payload));
            return "booked " + ref;
        });
    }
}
