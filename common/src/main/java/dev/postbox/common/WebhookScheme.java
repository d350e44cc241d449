package dev.postbox.common;

import dev.postbox.common.internal.webhook.GitHubScheme;
import dev.postbox.common.internal.webhook.ShopifyScheme;
import dev.postbox.common.internal.webhook.SlackScheme;
import dev.postbox.common.internal.webhook.StandardWebhooksScheme;
import dev.postbox.common.internal.webhook.StripeScheme;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * How a webhook sender signs its requests: which headers carry the signature, timestamp and message id, what
 * bytes are signed, and how. A scheme verifies one received request and returns the id that identifies the
 * message across the sender's retries (the inbox's deduplication key).
 *
 * <p>Built-in schemes, chosen by name ({@link #builtIn}):
 * <ul>
 *   <li>{@value #STANDARD_WEBHOOKS}: {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}
 *       ({@link StandardWebhooks}); id: {@code webhook-id}.</li>
 *   <li>{@value #STRIPE}: {@code Stripe-Signature: t=...,v1=...} (hex HMAC-SHA256 of {@code t.body}, several
 *       {@code v1} accepted); id: the event's top-level {@code id} in the signed body.</li>
 *   <li>{@value #GITHUB}: {@code X-Hub-Signature-256: sha256=...} (hex HMAC-SHA256 of the body); id:
 *       {@code X-GitHub-Delivery}. No timestamp is signed.</li>
 *   <li>{@value #SHOPIFY}: {@code X-Shopify-Hmac-Sha256} (Base64 HMAC-SHA256 of the body); id:
 *       {@code X-Shopify-Webhook-Id}. No timestamp is signed.</li>
 *   <li>{@value #SLACK}: {@code X-Slack-Signature: v0=...} (hex HMAC-SHA256 of {@code v0:timestamp:body}) and
 *       {@code X-Slack-Request-Timestamp}; id: the Events API's top-level {@code event_id} when the body is a JSON
 *       object carrying one, else {@code sha256:} + the hex SHA-256 of the raw body (Slack sends no delivery id;
 *       its retries repeat the body byte for byte).</li>
 * </ul>
 *
 * <p>Every scheme verifies the raw body exactly as received (never re-serialized JSON), compares signatures in
 * constant time ({@link java.security.MessageDigest#isEqual}), accepts a signature made with any of the given
 * secrets (rotation), and, where the sender signs a timestamp, rejects timestamps further than the tolerance from
 * now in either direction. Failures throw {@link WebhookVerificationException} with a reason that never contains
 * a secret or a signature. Implementations are stateless and thread-safe.
 */
public interface WebhookScheme {

    String STANDARD_WEBHOOKS = "standard-webhooks";
    String STRIPE = "stripe";
    String GITHUB = "github";
    String SHOPIFY = "shopify";
    String SLACK = "slack";

    /** The names of the built-in schemes, the default ({@value #STANDARD_WEBHOOKS}) first. */
    static List<String> builtInNames() {
        return List.of(STANDARD_WEBHOOKS, STRIPE, GITHUB, SHOPIFY, SLACK);
    }

    /**
     * A built-in scheme by name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the known schemes when there is none of that name
     */
    static WebhookScheme builtIn(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (key) {
            case STANDARD_WEBHOOKS -> StandardWebhooksScheme.INSTANCE;
            case STRIPE -> StripeScheme.INSTANCE;
            case GITHUB -> GitHubScheme.INSTANCE;
            case SHOPIFY -> ShopifyScheme.INSTANCE;
            case SLACK -> SlackScheme.INSTANCE;
            default -> throw new IllegalArgumentException("no webhook scheme named '" + name + "'; built-in schemes: "
                    + String.join(", ", builtInNames()));
        };
    }

    /** The scheme's name, e.g. {@value #STRIPE}. */
    String name();

    /** True when the sender signs a timestamp, so that the tolerance applies (and replays are bounded). */
    boolean timestamped();

    /**
     * Verifies one received request.
     *
     * @param header looks a request header up by its lower-case name, null when absent (JAX-RS
     *     {@code HttpHeaders::getHeaderString} and servlet {@code getHeader} are case-insensitive already)
     * @param rawBody the request body exactly as received
     * @param secrets the receiver's secrets in the sender's format, at least one; a signature made with any of them
     *     is accepted
     * @param tolerance the accepted distance of a signed timestamp from now (ignored by schemes without one)
     * @param clock the current time
     * @return the verified message id: the same for every retry of one message, so it is the deduplication key
     * @throws WebhookVerificationException missing or malformed headers, stale timestamp, or no matching signature
     * @throws IllegalArgumentException when no secret is given or a secret is not in the scheme's format
     */
    String verify(Function<String, String> header, byte[] rawBody, List<String> secrets, Duration tolerance,
            Clock clock);
}
