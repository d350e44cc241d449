package dev.postbox.inbox;

import java.util.function.Function;

/**
 * Programmatic use of the inbox, for consumers that are not a single annotated method (message listeners,
 * webhook endpoints, batch imports). Inject it:
 *
 * <pre>{@code
 * @Inject Inbox inbox;
 *
 * void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
 *     inbox.register("stripe", StripeEvent.class, event -> ledger.apply(event));   // once per application
 * }
 *
 * // in a JAX-RS method that reads the raw body as byte[]
 * InboxResult<Receipt> result = inbox.processWebhook("stripe", headers::getHeaderString, body, Receipt.class);
 * if (result.replayed()) { ... }                     // a resent webhook: the stored receipt, the handler did not run
 * }</pre>
 *
 * Per-scope options come from configuration ({@code postbox.inbox."stripe".max-attempts}, ...).
 */
public interface Inbox {

    /**
     * Registers the handler of a scope on this instance. Deferred retries and received records of the scope
     * only run on instances where it is registered. Registering a scope twice replaces the handler.
     */
    void register(String scope, PayloadHandler<?> handler);

    /**
     * Registers the handler of a scope that gets the payload bound by JSON-B to {@code payloadType} (properties the
     * type lacks are ignored). Like {@link #register(String, PayloadHandler)} otherwise. A payload that does not
     * bind is refused by {@link #process} and {@link #receive} with {@link InvalidMessageException} (reason
     * {@link InvalidMessageException.Reason#NOT_BINDABLE}) before anything is written: a definite answer, never
     * retried.
     */
    <T> void register(String scope, Class<T> payloadType, TypedPayloadHandler<? super T, ?> handler);

    /**
     * Processes a JSON payload once: runs the scope's handler now in a new transaction, or returns the stored
     * result of an earlier run with the same key and payload.
     *
     * @param key the idempotency key; null to use the payload's own message id ({@code event_id}, ...), else its
     *     canonical hash
     * @return the handler's result, or the stored one converted to {@code resultType}, with whether it was
     *     replayed and the record's id
     * @throws InvalidMessageException null, oversized, malformed or (typed handler) unbindable payload (nothing is
     *     written)
     * @throws DuplicateInProgressException the key is being processed right now
     * @throws PayloadMismatchException the key was used with another payload
     * @throws ProcessingDeferredException the handler failed and a retry is scheduled
     * @throws ProcessingDeadException the record is dead
     */
    <R> InboxResult<R> process(String scope, String key, String payloadJson, Class<R> resultType);

    /**
     * Records a JSON payload as {@link InboxStatus#RECEIVED} and returns at once; the scheduler runs the scope's
     * handler soon after, with retries. For senders that want a quick acknowledgement.
     *
     * @param key the idempotency key; null to use the payload's own message id, else its canonical hash
     * @return true when the message is new, false when the key was seen before with the same payload
     * @throws InvalidMessageException null, oversized, malformed or (typed handler) unbindable payload (nothing is
     *     written)
     * @throws PayloadMismatchException the key was used with another payload
     */
    boolean receive(String scope, String key, String payloadJson);

    /**
     * Verifies a signed webhook request, then processes its body once, keyed by the message id the sender gives,
     * in scope {@code name}. How the sender signs is {@code postbox.inbox.webhooks.<name>.scheme}
     * ({@code standard-webhooks} by default, or {@code stripe}, {@code github}, {@code shopify}, {@code slack}: see
     * {@link dev.postbox.common.WebhookScheme}); secrets come from {@code postbox.inbox.webhooks.<name>.secrets}.
     * The id (Standard Webhooks {@code webhook-id}, Stripe's event {@code id}, {@code X-GitHub-Delivery},
     * {@code X-Shopify-Webhook-Id}, Slack's {@code event_id} or body hash) is the inbox key, so a resent webhook
     * is processed once.
     *
     * @param header looks a request header up by lower-case name
     * @param rawBody the body exactly as received (the signature covers these bytes)
     * @return as {@link #process}
     * @throws dev.postbox.common.WebhookVerificationException signature, timestamp or headers not valid; nothing
     *     is written
     */
    <R> InboxResult<R> processWebhook(String name, Function<String, String> header, byte[] rawBody,
            Class<R> resultType);

    /** History and replay of records. */
    InboxHistory history();

    /**
     * The recorded {@link Steps} of the record processed on the calling thread (the same object as the injectable
     * {@code Steps} bean), for handlers that are not CDI beans.
     */
    Steps steps();
}
