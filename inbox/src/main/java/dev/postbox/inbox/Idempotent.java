package dev.postbox.inbox;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated CDI business method once per idempotency key.
 *
 * <p>The first call for a key claims an inbox record (committed in its own short transaction), then runs the
 * method in a new transaction that also stores the result and marks the record completed: the business work and
 * the "done" mark commit together or not at all. Duplicates get the stored result; a duplicate while the first
 * call runs gets {@link DuplicateInProgressException}; the same key with another payload gets
 * {@link PayloadMismatchException}. A retryable failure is recorded and retried later with exponential backoff
 * (each attempt in a new transaction) until {@link #maxAttempts()}, then the record is {@link InboxStatus#DEAD}.
 *
 * <pre>{@code
 * @Idempotent(key = "event.id", maxAttempts = 5, initialDelay = "PT2S")
 * public void on(PaymentSucceeded event) { ... }
 * }</pre>
 *
 * Every attribute is a default that configuration can override per scope, e.g.
 * {@code postbox.inbox."PaymentListener#on".max-attempts=8}. Attributes left at their "unset" value fall back
 * to the global keys ({@code postbox.inbox.max-attempts}, ...). Misuse fails the deployment with the method
 * named.
 */
@Inherited
@InterceptorBinding
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Idempotent {

    /** Consumer name that, together with the key, identifies a record. Default: {@code SimpleClassName#method}. */
    @Nonbinding
    String scope() default "";

    /**
     * Key expression: a parameter name with an optional property path ({@code "event.id"}), or a parameter
     * index ({@code "#0.id"}). Empty: see {@link #keySource()}. Requires {@code -parameters} for names.
     */
    @Nonbinding
    String key() default "";

    /** Where the key comes from; {@link KeySource#AUTO} picks the first that applies. */
    @Nonbinding
    KeySource keySource() default KeySource.AUTO;

    /** How long a completed record (and so its stored result) is kept (P7D or 7d); empty = postbox.inbox.retention. */
    @Nonbinding
    String retention() default "";

    /** Attempts including the first call; 0 = postbox.inbox.max-attempts (default 5). */
    @Nonbinding
    int maxAttempts() default 0;

    /** Delay before the first retry (PT1S or 1s); empty = postbox.inbox.initial-delay (default PT1S). */
    @Nonbinding
    String initialDelay() default "";

    /** Upper bound of any delay (PT1H or 1h); empty = postbox.inbox.max-delay (default PT1H). */
    @Nonbinding
    String maxDelay() default "";

    /** Growth of the delay per retry, at least 1; 0 = postbox.inbox.backoff-factor (default 2). */
    @Nonbinding
    double factor() default 0;

    /** Relative jitter in [0, 1]; negative = postbox.inbox.jitter (default 0.2). */
    @Nonbinding
    double jitter() default -1;

    /** Failures that are retried (subclasses included). Default: every {@link Exception}. */
    @Nonbinding
    Class<? extends Throwable>[] retryOn() default {Exception.class};

    /** Failures never retried: the record goes {@link InboxStatus#DEAD} at once. Wins over {@link #retryOn()}. */
    @Nonbinding
    Class<? extends Throwable>[] abortOn() default {};

    /**
     * Whether a retryable failure is retried later by the inbox scheduler from the stored arguments (true), or
     * left to the sender's own redelivery (false: the failure is rethrown and the next delivery with the same
     * key runs again). Needs parameters that can be stored as JSON.
     */
    @Nonbinding
    boolean deferredRetries() default true;
}
