package dev.postbox.inbox.internal.method;

import dev.postbox.inbox.InvalidMessageException;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.Messages;
import dev.postbox.inbox.internal.Policy;
import dev.postbox.inbox.internal.engine.HandlerRegistry;
import dev.postbox.inbox.internal.engine.Invocation;
import dev.postbox.inbox.internal.engine.ResultCodec;
import dev.postbox.inbox.internal.http.HttpExchange;
import dev.postbox.inbox.internal.json.CanonicalJson;
import dev.postbox.inbox.internal.json.MessageIds;
import jakarta.json.bind.Jsonb;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * An {@code @Idempotent} method bound to a runtime: its resolved policy (configuration over annotation), result
 * and argument codecs. Turns one call into an {@link Invocation}, validating everything before any row is
 * written.
 */
public final class IdempotentMethod {

    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    /**
     * The stored key of an authenticated caller's HTTP record: {@code p:<caller>:<key>}, where {@code <caller>} is
     * the first 32 hex digits (128 bits) of the SHA-256 of the principal's name (UTF-8). The name itself is never
     * stored, and the tag has a fixed length, so the stored key reads back unambiguously.
     */
    static final String CALLER_TAG_PREFIX = "p:";
    static final int CALLER_TAG_LENGTH = CALLER_TAG_PREFIX.length() + 32 + 1;
    /** An anonymous key of this form could name an authenticated caller's record: refused. */
    private static final Pattern CALLER_TAGGED = Pattern.compile("^p:[0-9a-f]{32}:.*", Pattern.DOTALL);

    private final MethodPlan plan;
    private final Policy policy;
    private final ResultCodec codec;
    private final ArgumentCodec arguments;
    private final int maxPayloadBytes;
    private final boolean keyPerPrincipal;

    public IdempotentMethod(MethodPlan plan, InboxConfig config, Jsonb jsonb, ResultCodec codec) {
        this.plan = plan;
        this.policy = config.policy(plan.scope(), plan.spec(), plan.annotation().retryOn(),
                plan.annotation().abortOn());
        this.codec = codec;
        this.arguments = new ArgumentCodec(jsonb, plan);
        this.maxPayloadBytes = config.maxPayloadBytes();
        this.keyPerPrincipal = plan.jaxrs() && config.httpKeyPerPrincipal();
    }

    public MethodPlan plan() {
        return plan;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * @param http the current request (JAX-RS methods, for the {@code Idempotency-Key} header and the caller), or
     *     null outside HTTP requests
     * @throws dev.postbox.inbox.InboxException for a missing key or an unusable payload (nothing written)
     */
    public Invocation invocation(Object[] args, HttpExchange http, Callable<Object> body) {
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
            case HEADER -> Messages.requireKey(scope, http == null ? null : http.header(IDEMPOTENCY_KEY_HEADER),
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
        if (keyPerPrincipal) {
            key = callerKey(scope, key, http == null ? null : http.principalName());
        }
        boolean deferred = plan.deferredRetries();
        return new Invocation(scope, key, fingerprint, deferred ? plan.handlerId() : null, deferred ? json : null,
                policy, codec, body);
    }

    /**
     * The record's key for a caller ({@code postbox.inbox.http.key-per-principal}): an authenticated caller's key is
     * prefixed with the caller's tag, so two users who send the same key have two records and neither can replay,
     * or learn of (422, 409), the other's. Anonymous keys stay as they are, except that one shaped like a tagged
     * key is refused, since it could name an authenticated caller's record.
     */
    private String callerKey(String scope, String key, String principal) {
        if (principal == null) {
            if (CALLER_TAGGED.matcher(key).matches()) {
                throw new InvalidMessageException(InvalidMessageException.Reason.INVALID_KEY, scope,
                        "idempotency key for scope '" + scope + "' of an anonymous request starts like the key of "
                                + "an authenticated caller's record ('p:' + 32 hex digits + ':'), which is reserved "
                                + "(postbox.inbox.http.key-per-principal); use another key", null);
            }
            return key;
        }
        if (key.length() > Messages.MAX_KEY_LENGTH - CALLER_TAG_LENGTH) {
            throw new InvalidMessageException(InvalidMessageException.Reason.INVALID_KEY, scope,
                    "idempotency key for scope '" + scope + "' is longer than " + (Messages.MAX_KEY_LENGTH
                            - CALLER_TAG_LENGTH) + " characters (" + Messages.MAX_KEY_LENGTH + " less "
                            + CALLER_TAG_LENGTH + " for the caller's tag of an authenticated request, "
                            + "postbox.inbox.http.key-per-principal)", null);
        }
        return callerTag(principal) + key;
    }

    /** {@code p:} + the first 32 hex digits of the SHA-256 of the principal's name + {@code :}. */
    static String callerTag(String principal) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(principal.getBytes(StandardCharsets.UTF_8));
            return CALLER_TAG_PREFIX + HexFormat.of().formatHex(digest, 0, 16) + ":";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
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
