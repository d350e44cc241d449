package dev.postbox.inbox.internal;

import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.internal.engine.HandlerRegistry;
import dev.postbox.inbox.internal.engine.InboxEngine;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link InboxHistory} over the inbox table. */
public final class DefaultInboxHistory implements InboxHistory {

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
        return Invocations.call(() -> engine.read(records -> records.list(filter)));
    }

    @Override
    public Optional<InboxRecord> find(UUID id) {
        return Invocations.call(() -> engine.read(records -> records.find(id)));
    }

    @Override
    public Optional<InboxRecord> find(String scope, String key) {
        return Invocations.call(() -> engine.read(records -> records.find(scope, key)));
    }

    /**
     * A new budget of attempts: the handler's when it is registered on this instance (the scheduler runs the
     * record), else the scope's configured one (the sender's next delivery runs it).
     */
    @Override
    public InboxRecord replay(UUID id) {
        return Invocations.call(() -> engine.replay(id, (scope, handlerId) -> {
            Optional<HandlerRegistry.Handler> handler = registry.get(handlerId);
            int budget = handler.map(h -> h.policy().maxAttempts())
                    .orElseGet(() -> config.policy(scope, InboxConfig.PolicySpec.UNSET, null, null).maxAttempts());
            return new InboxEngine.ReplayBudget(budget, handler.isPresent());
        }));
    }
}
