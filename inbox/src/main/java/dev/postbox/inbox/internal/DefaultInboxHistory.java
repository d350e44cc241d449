package dev.postbox.inbox.internal;

import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.internal.engine.HandlerRegistry;
import dev.postbox.inbox.internal.engine.InboxEngine;
import dev.postbox.inbox.internal.store.InboxRow;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/** {@link InboxHistory} over the inbox table. */
public final class DefaultInboxHistory implements InboxHistory {

    private static final Logger LOG = Logger.getLogger(DefaultInboxHistory.class.getName());

    private final InboxEngine engine;
    private final HandlerRegistry registry;
    private final InboxConfig config;

    public DefaultInboxHistory(InboxEngine engine, HandlerRegistry registry, InboxConfig config) {
        this.engine = engine;
        this.registry = registry;
        this.config = config;
    }

    @Override
    public List<InboxRecord> list(Filter filter) {
        return Invocations.call(() -> engine.transactions().requiresNew(() -> engine.store().list(filter)));
    }

    @Override
    public Optional<InboxRecord> find(UUID id) {
        return Invocations.call(() -> engine.transactions().requiresNew(() -> engine.store().find(id)));
    }

    @Override
    public Optional<InboxRecord> find(String scope, String key) {
        return Invocations.call(() -> engine.transactions().requiresNew(() -> engine.store().find(scope, key)));
    }

    @Override
    public InboxRecord replay(UUID id) {
        return Invocations.call(() -> engine.transactions().requiresNew(() -> {
            InboxRow row = engine.store().lockById(id)
                    .orElseThrow(() -> new NoSuchElementException("no inbox record with id " + id));
            if (row.status() != InboxStatus.DEAD) {
                throw new IllegalStateException("inbox record " + id + " (key '" + row.key() + "' in scope '"
                        + row.scope() + "') is " + row.status() + ", only DEAD records can be replayed");
            }
            Optional<HandlerRegistry.Handler> handler = registry.get(row.handler());
            int budget = handler.map(h -> h.policy().maxAttempts())
                    .orElseGet(() -> config.policy(row.scope(), InboxConfig.PolicySpec.UNSET, null, null).maxAttempts());
            engine.store().replay(id, budget, handler.isPresent());
            LOG.info(() -> "replaying dead inbox record " + id + " (key '" + row.key() + "' in scope '" + row.scope()
                    + "') with " + budget + " more attempt(s), "
                    + (handler.isPresent() ? "run by the scheduler" : "run on the sender's next delivery"));
            return engine.store().find(id).orElseThrow();
        }));
    }
}
