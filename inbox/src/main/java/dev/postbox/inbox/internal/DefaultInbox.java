package dev.postbox.inbox.internal;

import dev.postbox.common.StandardWebhooks;
import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InvalidMessageException;
import dev.postbox.inbox.PayloadHandler;
import dev.postbox.inbox.PayloadMismatchException;
import dev.postbox.inbox.internal.engine.HandlerRegistry;
import dev.postbox.inbox.internal.engine.InboxEngine;
import dev.postbox.inbox.internal.engine.Invocation;
import dev.postbox.inbox.internal.engine.JsonResultCodec;
import dev.postbox.inbox.internal.engine.Outcome;
import dev.postbox.inbox.internal.store.InboxRow;
import dev.postbox.inbox.internal.store.NewRecord;
import jakarta.json.bind.Jsonb;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** The programmatic {@link Inbox}: scopes with registered {@link PayloadHandler}s. */
public final class DefaultInbox implements Inbox {

    /** Handler ids of programmatic scopes, as stored in the handler column. */
    public static String handlerId(String scope) {
        return "scope:" + scope;
    }

    private final InboxEngine engine;
    private final HandlerRegistry registry;
    private final InboxConfig config;
    private final Jsonb jsonb;
    private final InboxHistory history;
    private final Clock clock;
    private final Map<String, StandardWebhooks> verifiers = new ConcurrentHashMap<>();

    public DefaultInbox(InboxEngine engine, HandlerRegistry registry, InboxConfig config, Jsonb jsonb,
            InboxHistory history, Clock clock) {
        this.engine = engine;
        this.registry = registry;
        this.config = config;
        this.jsonb = jsonb;
        this.history = history;
        this.clock = clock;
    }

    @Override
    public void register(String scope, PayloadHandler<?> handler) {
        Messages.requireScope(scope);
        Policy policy = config.policy(scope, InboxConfig.PolicySpec.UNSET, null, null);
        registry.register(new HandlerRegistry.Handler(handlerId(scope), scope, policy,
                new JsonResultCodec(jsonb, Object.class), handler::handle));
    }

    @Override
    public <R> R process(String scope, String key, String payloadJson, Class<R> resultType) {
        Messages.requireScope(scope);
        String fingerprint = Messages.fingerprint(scope, payloadJson, config.maxPayloadBytes());
        String k = key == null ? Messages.automaticKey(scope, payloadJson, fingerprint)
                : Messages.requireKey(scope, key, "the key argument");
        HandlerRegistry.Handler handler = requireHandler(scope);
        JsonResultCodec codec = new JsonResultCodec(jsonb, resultType);
        Invocation invocation = new Invocation(scope, k, fingerprint, handler.id(), payloadJson, handler.policy(),
                codec, () -> handler.invoker().invoke(payloadJson));
        Outcome outcome = Invocations.call(() -> engine.execute(invocation));
        if (outcome.replayed() || outcome.value() == null || resultType.isInstance(outcome.value())) {
            return resultType.cast(outcome.value());
        }
        // first run returned another type than asked for: answer exactly what a duplicate would get
        return resultType.cast(codec.decode(outcome.stored()));
    }

    @Override
    public boolean receive(String scope, String key, String payloadJson) {
        Messages.requireScope(scope);
        String fingerprint = Messages.fingerprint(scope, payloadJson, config.maxPayloadBytes());
        String k = key == null ? Messages.automaticKey(scope, payloadJson, fingerprint)
                : Messages.requireKey(scope, key, "the key argument");
        HandlerRegistry.Handler handler = requireHandler(scope);
        NewRecord record = new NewRecord(UUID.randomUUID(), scope, k, fingerprint, handler.policy().maxAttempts(),
                handler.id(), payloadJson);
        return Invocations.call(() -> engine.transactions().requiresNew(() -> {
            engine.store().lockKey(scope, k); // not while a first delivery of the key runs (see InboxStore.lockKey)
            if (engine.store().insertReceived(record)) {
                return true;
            }
            Optional<InboxRow> existing = engine.store().lockByKey(scope, k);
            if (existing.isPresent() && !existing.get().fingerprint().equals(fingerprint)) {
                throw new PayloadMismatchException(scope, k);
            }
            return false;
        }));
    }

    @Override
    public <R> R processWebhook(String name, Function<String, String> header, byte[] rawBody, Class<R> resultType) {
        StandardWebhooks verifier = verifiers.computeIfAbsent(name, this::verifier);
        if (rawBody == null) {
            throw new InvalidMessageException(InvalidMessageException.Reason.NULL_PAYLOAD, name,
                    "webhook '" + name + "' has no body; nothing was recorded", null);
        }
        if (rawBody.length > config.maxPayloadBytes()) {
            throw new InvalidMessageException(InvalidMessageException.Reason.TOO_LARGE, name, "webhook '" + name
                    + "' body is larger than postbox.inbox.max-payload-bytes=" + config.maxPayloadBytes(), null);
        }
        StandardWebhooks.Verified verified = verifier.verify(header, rawBody);
        return process(name, verified.id(), utf8(name, rawBody), resultType);
    }

    @Override
    public InboxHistory history() {
        return history;
    }

    private StandardWebhooks verifier(String name) {
        String[] secrets = config.webhookSecrets(name);
        if (secrets.length == 0) {
            throw new IllegalStateException("no secret configured for webhook receiver '" + name + "': set "
                    + InboxConfig.WEBHOOK_SECRETS.name().replace("<name>", name));
        }
        return StandardWebhooks.withSecrets(secrets).withTolerance(config.webhookTolerance(name)).withClock(clock);
    }

    private HandlerRegistry.Handler requireHandler(String scope) {
        return registry.get(handlerId(scope)).orElseThrow(() -> new IllegalStateException(
                "no handler registered for inbox scope '" + scope + "': call Inbox.register(\"" + scope
                        + "\", handler) first (e.g. at application start)"));
    }

    private static String utf8(String name, byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, name,
                    "webhook '" + name + "' body is not UTF-8; nothing was recorded", e);
        }
    }
}
