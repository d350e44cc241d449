package dev.postbox.inbox.internal;

import dev.postbox.common.WebhookScheme;
import dev.postbox.common.internal.trace.CurrentTrace;
import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InvalidMessageException;
import dev.postbox.inbox.InboxResult;
import dev.postbox.inbox.PayloadHandler;
import dev.postbox.inbox.Steps;
import dev.postbox.inbox.TypedPayloadHandler;
import dev.postbox.inbox.internal.engine.HandlerRegistry;
import dev.postbox.inbox.internal.engine.InboxEngine;
import dev.postbox.inbox.internal.engine.Invocation;
import dev.postbox.inbox.internal.engine.JsonResultCodec;
import dev.postbox.inbox.internal.engine.Outcome;
import dev.postbox.inbox.internal.engine.PermanentFailure;
import dev.postbox.inbox.internal.store.NewRecord;
import dev.postbox.inbox.internal.trace.Deliveries;
import dev.postbox.inbox.internal.trace.InboxTracing;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** The programmatic {@link Inbox}: scopes with registered {@link PayloadHandler}s or {@link TypedPayloadHandler}s. */
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
    private final Steps steps;
    private final Deliveries deliveries;
    /** Webhook receivers by name, read from the configuration on first use. */
    private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();
    /** Programmatic scopes registered on this instance, by name. */
    private final Map<String, Registered> scopes = new ConcurrentHashMap<>();

    public DefaultInbox(InboxEngine engine, HandlerRegistry registry, InboxConfig config, Jsonb jsonb,
            InboxHistory history, Clock clock, Steps steps, Deliveries deliveries) {
        this.engine = engine;
        this.registry = registry;
        this.config = config;
        this.jsonb = jsonb;
        this.history = history;
        this.clock = clock;
        this.steps = steps;
        this.deliveries = deliveries;
    }

    @Override
    public void register(String scope, PayloadHandler<?> handler) {
        Objects.requireNonNull(handler, "handler");
        register(scope, new Scope<String>(scope, String.class, json -> json, handler::handle));
    }

    @Override
    public <T> void register(String scope, Class<T> payloadType, TypedPayloadHandler<? super T, ?> handler) {
        Objects.requireNonNull(payloadType, "payloadType");
        Objects.requireNonNull(handler, "handler");
        register(scope, new Scope<T>(scope, payloadType, json -> bind(scope, payloadType, json), handler::handle));
    }

    private void register(String scope, Scope<?> payloads) {
        Messages.requireScope(scope);
        Policy policy = config.policy(scope, InboxConfig.PolicySpec.UNSET, null, null);
        HandlerRegistry.Handler handler = new HandlerRegistry.Handler(handlerId(scope), scope, policy,
                new JsonResultCodec(jsonb, Object.class), payloads::runStored);
        registry.register(handler);
        scopes.put(scope, new Registered(payloads, handler));
        deliveries.counters().scope(scope); // its metrics exist from now on
    }

    @Override
    public <R> InboxResult<R> process(String scope, String key, String payloadJson, Class<R> resultType) {
        return process(scope, key, payloadJson, resultType, InboxTracing.Entry.MESSAGE, null);
    }

    /** @param headers where the parent trace context may be (a webhook's headers), or null */
    private <R> InboxResult<R> process(String scope, String key, String payloadJson, Class<R> resultType,
            InboxTracing.Entry entry, Function<String, String> headers) {
        Messages.requireScope(scope);
        String fingerprint = Messages.fingerprint(scope, payloadJson, config.maxPayloadBytes());
        String k = key == null ? Messages.automaticKey(scope, payloadJson, fingerprint)
                : Messages.requireKey(scope, key, "the key argument");
        Registered registered = requireScope(scope);
        HandlerRegistry.Handler handler = registered.handler();
        Callable<Object> body = registered.payloads().call(payloadJson); // binds now: a misfit writes nothing
        JsonResultCodec codec = new JsonResultCodec(jsonb, resultType);
        Invocation invocation = new Invocation(scope, k, fingerprint, handler.id(), payloadJson, handler.policy(),
                codec, body);
        Outcome outcome = Invocations.call(() -> deliveries.deliver(entry, scope, k, headers,
                () -> engine.execute(invocation)));
        Object value = outcome.value();
        if (!outcome.replayed() && value != null && !resultType.isInstance(value)) {
            // first run returned another type than asked for: answer exactly what a duplicate would get
            value = codec.decode(outcome.stored());
        }
        return new InboxResult<>(resultType.cast(value), outcome.replayed(), outcome.recordId());
    }

    @Override
    public boolean receive(String scope, String key, String payloadJson) {
        Messages.requireScope(scope);
        String fingerprint = Messages.fingerprint(scope, payloadJson, config.maxPayloadBytes());
        String k = key == null ? Messages.automaticKey(scope, payloadJson, fingerprint)
                : Messages.requireKey(scope, key, "the key argument");
        Registered registered = requireScope(scope);
        registered.payloads().call(payloadJson); // binds now: a payload that does not fit writes nothing
        HandlerRegistry.Handler handler = registered.handler();
        // the caller's trace context: the scheduler's run of the record links to it
        NewRecord record = new NewRecord(UUID.randomUUID(), scope, k, fingerprint, handler.policy().maxAttempts(),
                handler.id(), payloadJson, CurrentTrace.traceparent());
        return Invocations.call(() -> engine.receive(record));
    }

    @Override
    public <R> InboxResult<R> processWebhook(String name, Function<String, String> header, byte[] rawBody,
            Class<R> resultType) {
        Receiver receiver = receivers.computeIfAbsent(name, this::receiver);
        if (rawBody == null) {
            throw new InvalidMessageException(InvalidMessageException.Reason.NULL_PAYLOAD, name,
                    "webhook '" + name + "' has no body; nothing was recorded", null);
        }
        if (rawBody.length > config.maxPayloadBytes()) {
            throw new InvalidMessageException(InvalidMessageException.Reason.TOO_LARGE, name, "webhook '" + name
                    + "' body is larger than postbox.inbox.max-payload-bytes=" + config.maxPayloadBytes(), null);
        }
        String id;
        try {
            id = receiver.scheme().verify(header, rawBody, receiver.secrets(), receiver.tolerance(), clock);
        } catch (IllegalArgumentException e) { // a secret not in the scheme's format; the message never shows it
            throw new IllegalArgumentException("webhook receiver '" + name + "' (scheme " + receiver.scheme().name()
                    + "): " + e.getMessage() + "; fix " + InboxConfig.WEBHOOK_SECRETS.resolve(name).name(), e);
        }
        return process(name, id, utf8(name, rawBody), resultType, InboxTracing.Entry.HTTP, header);
    }

    @Override
    public InboxHistory history() {
        return history;
    }

    private Receiver receiver(String name) {
        String[] secrets = config.webhookSecrets(name);
        if (secrets.length == 0) {
            throw new IllegalStateException("no secret configured for webhook receiver '" + name + "': set "
                    + InboxConfig.WEBHOOK_SECRETS.resolve(name).name());
        }
        return new Receiver(config.webhookScheme(name), List.of(secrets), config.webhookTolerance(name));
    }

    /** A webhook receiver's configuration: how its sender signs, its secrets, and the timestamp tolerance. */
    private record Receiver(WebhookScheme scheme, List<String> secrets, Duration tolerance) {
    }

    private Registered requireScope(String scope) {
        Registered registered = scopes.get(scope);
        if (registered == null) {
            throw new IllegalStateException("no handler registered for inbox scope '" + scope
                    + "': call Inbox.register(\"" + scope + "\", handler) first (e.g. at application start)");
        }
        return registered;
    }

    /** A scope registered on this instance: how its payloads reach the handler, and the handler the scheduler runs. */
    private record Registered(Scope<?> payloads, HandlerRegistry.Handler handler) {
    }

    /** Binds a payload with JSON-B; a payload that does not fit is bad input, refused before anything is written. */
    private <T> T bind(String scope, Class<T> type, String json) {
        try {
            return jsonb.fromJson(json, type);
        } catch (JsonbException e) {
            throw new InvalidMessageException(InvalidMessageException.Reason.NOT_BINDABLE, scope, "payload of scope '"
                    + scope + "' does not bind to " + type.getName() + " (" + problem(e)
                    + "); nothing was recorded", e);
        }
    }

    /**
     * JSON-B's own words (they name the property when JSON-B knows it), without the messages of deeper causes,
     * which may quote the payload's values.
     */
    private static String problem(JsonbException e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c instanceof JsonbException && c != c.getCause(); c = c.getCause()) {
            text.append(": ").append(c.getMessage());
        }
        return text.toString();
    }

    /**
     * A registered scope: how its JSON payload becomes the handler's argument (as is, or bound by JSON-B), and the
     * handler.
     */
    private record Scope<T>(String name, Class<T> type, Binder<T> binder, TypedPayloadHandler<? super T, ?> handler) {

        /** Binds the payload now (throwing {@link InvalidMessageException}) and returns the call of the handler. */
        Callable<Object> call(String json) {
            T payload = binder.bind(json);
            return () -> handler.handle(payload);
        }

        /**
         * Runs the handler on a stored payload (a deferred retry or a received record): one that no longer binds
         * (the type changed since) can never succeed, so the record goes DEAD at once.
         */
        Object runStored(String json) throws Exception {
            T payload;
            try {
                payload = binder.bind(json);
            } catch (InvalidMessageException e) {
                throw new PermanentFailure("the stored payload of scope '" + name + "' no longer binds to "
                        + type.getName() + ": " + e.getMessage(), e);
            }
            return handler.handle(payload);
        }
    }

    @FunctionalInterface
    private interface Binder<T> {
        T bind(String json);
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

    @Override
    public Steps steps() {
        return steps;
    }
}
