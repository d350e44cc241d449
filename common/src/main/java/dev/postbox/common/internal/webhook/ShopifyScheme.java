package dev.postbox.common.internal.webhook;

import dev.postbox.common.WebhookScheme;
import dev.postbox.common.WebhookVerificationException;
import dev.postbox.common.WebhookVerificationException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * {@value WebhookScheme#SHOPIFY}: {@code X-Shopify-Hmac-Sha256}, the Base64 HMAC-SHA256 of the raw body with the
 * app's client secret (UTF-8). The id is {@code X-Shopify-Webhook-Id}, the same on every retry of a delivery.
 * Shopify signs no timestamp ({@code X-Shopify-Triggered-At} is not covered by the signature), so no tolerance
 * applies.
 */
public final class ShopifyScheme implements WebhookScheme {

    public static final ShopifyScheme INSTANCE = new ShopifyScheme();
    static final String HEADER_SIGNATURE = "x-shopify-hmac-sha256";
    static final String HEADER_ID = "x-shopify-webhook-id";

    private ShopifyScheme() {
    }

    @Override
    public String name() {
        return SHOPIFY;
    }

    @Override
    public boolean timestamped() {
        return false;
    }

    @Override
    public String verify(Function<String, String> header, byte[] rawBody, List<String> secrets, Duration tolerance,
            Clock clock) {
        List<byte[]> keys = Signatures.utf8Keys(secrets);
        Signatures.requireBody(rawBody);
        String id = Signatures.requireId(Signatures.required(header, HEADER_ID), HEADER_ID);
        byte[] offered;
        try {
            offered = Base64.getDecoder().decode(Signatures.required(header, HEADER_SIGNATURE));
        } catch (IllegalArgumentException e) {
            throw new WebhookVerificationException(Reason.MALFORMED, HEADER_SIGNATURE + " is not Base64");
        }
        if (!Signatures.anyMatches(keys, "", rawBody, List.of(offered))) {
            throw Signatures.mismatch(HEADER_SIGNATURE, 1, keys.size(), HEADER_ID + " " + id);
        }
        return id;
    }
}
