package dev.postbox.inbox.internal;

import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxProgress;
import dev.postbox.inbox.InboxStep;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxScopeStatus;
import dev.postbox.inbox.internal.breaker.ScopeGuard;
import dev.postbox.inbox.internal.engine.HandlerRegistry;
import dev.postbox.inbox.internal.engine.InboxEngine;
import dev.postbox.inbox.internal.steps.StepRunner;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/** {@link InboxHistory} over the inbox table. */
public final class DefaultInboxHistory implements InboxHistory {

    private final InboxEngine engine;
    private final HandlerRegistry registry;
    private final InboxConfig config;
    private final StepRunner steps;
    private final ScopeGuard guard;

    public DefaultInboxHistory(InboxEngine engine, HandlerRegistry registry, InboxConfig config, StepRunner steps,
            ScopeGuard guard) {
        this.engine = engine;
        this.registry = registry;
        this.config = config;
        this.steps = steps;
        this.guard = guard;
    }

    @Override
    public InboxScopeStatus scopeStatus(String scope) {
        Messages.requireScope(scope);
        return Invocations.call(() -> guard.status(scope));
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

    @Override
    public List<InboxStep> steps(UUID id) {
        InboxRecord record = existing(id);
        return Invocations.call(() -> steps.history(record.scope(), record.key()));
    }

    @Override
    public Optional<InboxProgress> progress(UUID id) {
        InboxRecord record = existing(id);
        return Invocations.call(() -> steps.progress(record.scope(), record.key()));
    }

    private InboxRecord existing(UUID id) {
        return find(id).orElseThrow(() -> new NoSuchElementException("no inbox record with id " + id));
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
