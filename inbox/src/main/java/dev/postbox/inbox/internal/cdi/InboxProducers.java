package dev.postbox.inbox.internal.cdi;

import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.InboxHistory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/** Makes {@link Inbox} and {@link InboxHistory} injectable. */
@ApplicationScoped
public class InboxProducers {

    @Inject
    InboxRuntimeBean runtime;

    @Produces
    @ApplicationScoped
    Inbox inbox() {
        return runtime.runtime().inbox();
    }

    @Produces
    @ApplicationScoped
    InboxHistory history() {
        return runtime.runtime().history();
    }
}
