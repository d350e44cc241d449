package dev.postbox.common.internal.webhook;

import dev.postbox.common.WebhookScheme;
import dev.postbox.common.WebhookVerificationException;
import dev.postbox.common.WebhookVerificationException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@value WebhookScheme#STRIPE}: {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}, each
 * {@code v1} a hex HMAC-SHA256 of {@code t + "." + body} with the endpoint's signing secret used whole
 * ({@code whsec_...} as UTF-8, as Stripe's libraries do). Stripe sends several {@code v1} while an endpoint secret
 * is being rolled; other schemes ({@code v0}, test-mode) are ignored. Stripe sends no id header: the event's
 * top-level {@code id} ({@code evt_...}), the same on every retry of the event, is read from the verified body.
 */
public final class StripeScheme implements WebhookScheme {

    public static final StripeScheme INSTANCE = new StripeScheme();
    static final String HEADER = "stripe-signature";

    private StripeScheme() {
    }

    @Override
    public String name() {
        return STRIPE;
    }

    @Override
    public boolean timestamped() {
        return true;
    }

    @Override
    public String verify(Function<String, String> header, byte[] rawBody, List<String> secrets, Duration tolerance,
            Clock clock) {
        List<byte[]> keys = Signatures.utf8Keys(secrets);
        Signatures.requireBody(rawBody);
        String value = Signatures.required(header, HEADER);
        String timestamp = null;
        List<byte[]> offered = new ArrayList<>();
        for (String item : value.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = item.substring(0, eq).trim();
            String text = item.substring(eq + 1).trim();
            if (name.equals("t")) {
                if (timestamp != null) {
                    throw new WebhookVerificationException(Reason.MALFORMED, HEADER + " has more than one t=");
                }
                timestamp = text;
            } else if (name.equals("v1")) {
                byte[] signature = Signatures.hexOrNull(text);
                if (signature != null) {
                    offered.add(signature);
                }
            }
        }
        if (timestamp == null) {
            throw new WebhookVerificationException(Reason.MALFORMED, HEADER + " has no t=<timestamp>");
        }
        if (offered.isEmpty()) {
            throw new WebhookVerificationException(Reason.MALFORMED, HEADER + " has no v1=<hex signature>");
        }
        Signatures.requireFresh(timestamp, HEADER + " t=", tolerance, clock);
        if (!Signatures.anyMatches(keys, timestamp + ".", rawBody, offered)) {
            throw Signatures.mismatch(HEADER + " v1", offered.size(), keys.size(), null);
        }
        String id = Signatures.topLevelString(rawBody, "id").orElseThrow(() -> new WebhookVerificationException(
                Reason.MALFORMED, "Stripe event body has no top-level string 'id' (the event id, the dedup key)"));
        return Signatures.requireId(id, "Stripe event id");
    }
}
