package dev.postbox.inbox.internal.method;

import dev.postbox.inbox.InvalidMessageException;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.Messages;
import dev.postbox.inbox.internal.Policy;
import dev.postbox.inbox.internal.engine.HandlerRegistry;
import dev.postbox.inbox.internal.engine.Invocation;
import dev.postbox.inbox.internal.engine.ResultCodec;
import dev.postbox.inbox.internal.json.CanonicalJson;
import dev.postbox.inbox.internal.json.MessageIds;
import jakarta.json.bind.Jsonb;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * An {@code @Idempotent} method bound to a runtime: its resolved policy (configuration over annotation), result
 * and argument codecs. Turns one call into an {@link Invocation}, validating everything before any row is
 * written.
 */
public final class IdempotentMethod {

    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    private final MethodPlan plan;
    private final Policy policy;
    private final ResultCodec codec;
    private final ArgumentCodec arguments;
    private final int maxPayloadBytes;

    public IdempotentMethod(MethodPlan plan, InboxConfig config, Jsonb jsonb, ResultCodec codec) {
        this.plan = plan;
        this.policy = config.policy(plan.scope(), plan.spec(), plan.annotation().retryOn(),
                plan.annotation().abortOn());
        this.codec = codec;
        this.arguments = new ArgumentCodec(jsonb, plan);
        this.maxPayloadBytes = config.maxPayloadBytes();
    }

    public MethodPlan plan() {
        return plan;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * @param header reads a request header (JAX-RS methods), or null outside HTTP requests
     * @throws dev.postbox.inbox.InboxException for a missing key or an unusable payload (nothing written)
     */
    public Invocation invocation(Object[] args, Function<String, String> header, Callable<Object> body) {
        String scope = plan.scope();
        String json;
        try {
            json = arguments.encode(args);
        } catch (RuntimeException e) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, scope, "arguments of "
                    + plan.describe() + " cannot be serialized as JSON: " + e.getMessage(), e);
        }
        Messages.checkSize(scope, json, maxPayloadBytes);
        jakarta.json.JsonValue parsed = CanonicalJson.parse(json);
        String fingerprint = CanonicalJson.sha256Hex(CanonicalJson.write(parsed));
        String key = switch (plan.keySource()) {
            case EXPRESSION -> Messages.requireKey(scope, evaluate(args), "key expression '"
                    + plan.keyExpression().text() + "' of " + plan.describe());
            case HEADER -> Messages.requireKey(scope, header == null ? null : header.apply(IDEMPOTENCY_KEY_HEADER),
                    "request header " + IDEMPOTENCY_KEY_HEADER);
            default -> {
                if (allStorableNull(args)) {
                    throw new InvalidMessageException(InvalidMessageException.Reason.NULL_PAYLOAD, scope,
                            "every argument of " + plan.describe() + " is null: nothing to hash into a key", null);
                }
                // AUTO: the sender's own event_id / message_id when the payload has one, else the payload hash
                yield plan.automaticKey() ? MessageIds.find(parsed).map(id -> Messages.requireKey(scope, id,
                        "the payload's message id")).orElse(fingerprint) : fingerprint;
            }
        };
        boolean deferred = plan.deferredRetries();
        return new Invocation(scope, key, fingerprint, deferred ? plan.handlerId() : null, deferred ? json : null,
                policy, codec, body);
    }

    private String evaluate(Object[] args) {
        try {
            return plan.keyExpression().evaluate(args);
        } catch (IllegalStateException e) {
            throw new InvalidMessageException(InvalidMessageException.Reason.INVALID_KEY, plan.scope(),
                    "key expression '" + plan.keyExpression().text() + "' of " + plan.describe() + " failed: "
                            + e.getMessage(), e);
        }
    }

    private boolean allStorableNull(Object[] args) {
        for (int i = 0; i < args.length; i++) {
            if (plan.storable(i) && args[i] != null) {
                return false;
            }
        }
        return true;
    }

    /** What the scheduler runs for a deferred retry of this method. */
    public HandlerRegistry.Handler handler(HandlerRegistry.Invoker invoker) {
        return new HandlerRegistry.Handler(plan.handlerId(), plan.scope(), policy, codec, invoker);
    }

    public Object[] decodeArguments(String json) {
        return arguments.decode(json);
    }
}
