package dev.postbox.inbox.internal.method;

import dev.postbox.common.internal.config.Durations;
import dev.postbox.inbox.IdempotencyKey;
import dev.postbox.inbox.Idempotent;
import dev.postbox.inbox.KeySource;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.Messages;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything about one {@link Idempotent} method that can be decided from its declaration: scope, where the key
 * comes from, which parameters are stored, whether it is a JAX-RS resource method, and the annotation's retry
 * options. Built at deployment, where every problem becomes a definition error naming the method.
 */
public final class MethodPlan {

    private final Class<?> beanClass;
    private final Method method;
    private final Idempotent annotation;
    private final String scope;
    private final KeySource keySource;
    private final boolean automaticKey;
    private final KeyExpression keyExpression;
    private final boolean jaxrs;
    private final boolean[] storable;
    private final InboxConfig.PolicySpec spec;

    private MethodPlan(Class<?> beanClass, Method method, Idempotent annotation) {
        this.beanClass = beanClass;
        this.method = method;
        this.annotation = annotation;
        String where = describe(beanClass, method);
        if (Modifier.isPrivate(method.getModifiers()) || Modifier.isStatic(method.getModifiers())
                || Modifier.isFinal(method.getModifiers())) {
            throw new InvalidIdempotentMethodException(where, "private, static and final methods are not "
                    + "intercepted; make it a non-final business method");
        }
        this.scope = annotation.scope().isBlank()
                ? method.getDeclaringClass().getSimpleName() + "#" + method.getName() : annotation.scope().trim();
        if (scope.length() > Messages.MAX_SCOPE_LENGTH) {
            throw new InvalidIdempotentMethodException(where, "scope is longer than " + Messages.MAX_SCOPE_LENGTH);
        }
        this.jaxrs = isResourceMethod(beanClass, method);
        Parameter[] parameters = method.getParameters();
        this.storable = new boolean[parameters.length];
        boolean anyStorable = false;
        List<String> unstorable = new ArrayList<>();
        for (int i = 0; i < parameters.length; i++) {
            storable[i] = Storability.isStorable(parameters[i]);
            anyStorable |= storable[i];
            if (!storable[i]) {
                unstorable.add(parameters[i].getType().getSimpleName() + " " + parameters[i].getName());
            }
        }
        KeyExpression keyParameter = keyParameter(where, parameters);
        String expression = annotation.key().trim();
        if (keyParameter != null && !expression.isEmpty()) {
            throw new InvalidIdempotentMethodException(where, "both key = \"" + expression
                    + "\" and an @IdempotencyKey parameter are given; keep one");
        }
        KeyExpression parsed = null;
        if (!expression.isEmpty()) {
            try {
                parsed = KeyExpression.parse(expression, method);
            } catch (IllegalArgumentException e) {
                throw new InvalidIdempotentMethodException(where, e.getMessage());
            }
        }
        KeyExpression explicit = keyParameter != null ? keyParameter : parsed;
        switch (annotation.keySource()) {
            case EXPRESSION -> {
                if (explicit == null) {
                    throw new InvalidIdempotentMethodException(where, "keySource = EXPRESSION needs key = \"...\" or "
                            + "an @IdempotencyKey parameter");
                }
                keySource = KeySource.EXPRESSION;
            }
            case HEADER -> {
                if (!jaxrs) {
                    throw new InvalidIdempotentMethodException(where, "keySource = HEADER is only possible on JAX-RS "
                            + "resource methods (@GET/@POST/... with @Path); use key = \"...\" or @IdempotencyKey");
                }
                if (explicit != null) {
                    throw new InvalidIdempotentMethodException(where, "keySource = HEADER ignores the key expression "
                            + "or @IdempotencyKey parameter; remove one");
                }
                keySource = KeySource.HEADER;
            }
            case PAYLOAD_HASH -> {
                if (!anyStorable) {
                    throw new InvalidIdempotentMethodException(where, "keySource = PAYLOAD_HASH needs at least one "
                            + "parameter that can be hashed (serialized as JSON)");
                }
                keySource = KeySource.PAYLOAD_HASH;
            }
            default -> {
                if (explicit != null) {
                    keySource = KeySource.EXPRESSION;
                } else if (jaxrs) {
                    keySource = KeySource.HEADER;
                } else if (anyStorable) {
                    keySource = KeySource.PAYLOAD_HASH;
                } else {
                    throw new InvalidIdempotentMethodException(where, "no way to derive an idempotency key: the "
                            + "method has no parameter to hash, no key expression and no @IdempotencyKey parameter");
                }
            }
        }
        this.keyExpression = keySource == KeySource.EXPRESSION ? explicit : null;
        this.automaticKey = annotation.keySource() == KeySource.AUTO && keySource == KeySource.PAYLOAD_HASH;
        if (annotation.deferredRetries() && !unstorable.isEmpty()) {
            throw new InvalidIdempotentMethodException(where, "deferred retries need every parameter stored as JSON, "
                    + "but " + String.join(", ", unstorable) + " cannot be; set deferredRetries = false (the sender "
                    + "retries) or remove the parameter");
        }
        this.spec = spec(where, annotation);
    }

    /**
     * Analyses a method.
     *
     * @throws InvalidIdempotentMethodException naming the method and the problem
     */
    /**
     * True when the key was left to AUTO and falls back to the payload: the payload's own {@code event_id} /
     * {@code message_id} is then preferred to its hash.
     */
    public boolean automaticKey() {
        return automaticKey;
    }

    public static MethodPlan analyze(Class<?> beanClass, Method method, Idempotent annotation) {
        return new MethodPlan(beanClass, method, annotation);
    }

    private static KeyExpression keyParameter(String where, Parameter[] parameters) {
        KeyExpression found = null;
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i].isAnnotationPresent(IdempotencyKey.class)) {
                if (found != null) {
                    throw new InvalidIdempotentMethodException(where, "more than one @IdempotencyKey parameter");
                }
                found = KeyExpression.parameter(i, parameters[i].getName());
            }
        }
        return found;
    }

    private static InboxConfig.PolicySpec spec(String where, Idempotent a) {
        if (a.maxAttempts() < 0) {
            throw new InvalidIdempotentMethodException(where, "maxAttempts must be at least 1 (0 = configured "
                    + "default), was " + a.maxAttempts());
        }
        if (a.factor() != 0 && !(a.factor() >= 1)) {
            throw new InvalidIdempotentMethodException(where, "factor must be at least 1, was " + a.factor());
        }
        if (a.jitter() > 1) {
            throw new InvalidIdempotentMethodException(where, "jitter must be within [0, 1], was " + a.jitter());
        }
        return new InboxConfig.PolicySpec(
                a.maxAttempts() == 0 ? null : a.maxAttempts(),
                duration(where, "initialDelay", a.initialDelay()),
                duration(where, "maxDelay", a.maxDelay()),
                a.factor() == 0 ? null : a.factor(),
                a.jitter() < 0 ? null : a.jitter(),
                duration(where, "retention", a.retention()),
                "@Idempotent on " + where);
    }

    private static Duration duration(String where, String attribute, String value) {
        if (value.isBlank()) {
            return null;
        }
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidIdempotentMethodException(where, attribute + " = \"" + value
                    + "\" is not an ISO-8601 duration such as PT1S or P7D, nor a number with a unit (500ms, 10s, 5m, "
                    + "2h, 1d)");
        }
        if (d.isNegative() || d.isZero()) {
            throw new InvalidIdempotentMethodException(where, attribute + " must be positive, was " + value);
        }
        return d;
    }

    /** JAX-RS resource method: an HTTP method designator on the method (or @Path on it or its class). */
    static boolean isResourceMethod(Class<?> beanClass, Method method) {
        for (Annotation a : method.getAnnotations()) {
            for (Annotation meta : a.annotationType().getAnnotations()) {
                if (meta.annotationType().getName().equals("jakarta.ws.rs.HttpMethod")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code com.acme.Payments#charge(Charge, String)}, used in every message about the method. */
    public static String describe(Class<?> beanClass, Method method) {
        return beanClass.getName() + "#" + method.getName() + "(" + Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
    }

    /** Stable identity stored in the handler column: bean class, method name, parameter types. */
    public String handlerId() {
        return beanClass.getName() + "#" + method.getName() + "(" + Arrays.stream(method.getParameterTypes())
                .map(Class::getName).collect(Collectors.joining(",")) + ")";
    }

    public String describe() {
        return describe(beanClass, method);
    }

    public Class<?> beanClass() {
        return beanClass;
    }

    public Method method() {
        return method;
    }

    public Idempotent annotation() {
        return annotation;
    }

    public String scope() {
        return scope;
    }

    public KeySource keySource() {
        return keySource;
    }

    public KeyExpression keyExpression() {
        return keyExpression;
    }

    public boolean jaxrs() {
        return jaxrs;
    }

    public boolean storable(int index) {
        return storable[index];
    }

    public boolean deferredRetries() {
        return annotation.deferredRetries();
    }

    public InboxConfig.PolicySpec spec() {
        return spec;
    }

    public boolean returnsVoid() {
        return method.getReturnType() == void.class || method.getReturnType() == Void.class;
    }

    public Type genericReturnType() {
        return method.getGenericReturnType();
    }

    public boolean returnsJaxRsResponse() {
        return method.getReturnType().getName().equals("jakarta.ws.rs.core.Response");
    }
}
