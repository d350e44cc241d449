package dev.postbox.inbox.internal.cdi;

import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.Steps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/** Makes {@link Inbox}, {@link InboxHistory} and {@link Steps} injectable. */
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

    /** One bean for every record: each call goes to the record processed on the calling thread. */
    @Produces
    @ApplicationScoped
    Steps steps() {
        return runtime.runtime().inbox().steps();
    }
}
