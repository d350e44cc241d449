package dev.postbox.common.internal.webhook;

import dev.postbox.common.WebhookScheme;
import dev.postbox.common.WebhookVerificationException;
import dev.postbox.common.WebhookVerificationException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * {@value WebhookScheme#SLACK}: {@code X-Slack-Signature: v0=<hex>}, a hex HMAC-SHA256 of
 * {@code "v0:" + X-Slack-Request-Timestamp + ":" + body} with the app's signing secret (UTF-8); the timestamp must
 * lie within the tolerance (Slack recommends five minutes).
 *
 * <p>Slack sends no delivery id. Its retries ({@code X-Slack-Retry-Num}, {@code X-Slack-Retry-Reason}) repeat the
 * body byte for byte but carry a new timestamp and signature, so neither of those can be the key. The id is the
 * Events API's top-level {@code event_id} when the body is a JSON object with one (stable across retries, and the
 * id Slack's own docs use), else {@code sha256:} + the hex SHA-256 of the raw body (slash commands and interactions
 * are form-encoded and carry a unique {@code trigger_id}, so two different requests never share a hash).
 */
public final class SlackScheme implements WebhookScheme {

    public static final SlackScheme INSTANCE = new SlackScheme();
    static final String HEADER_SIGNATURE = "x-slack-signature";
    static final String HEADER_TIMESTAMP = "x-slack-request-timestamp";
    private static final String PREFIX = "v0=";

    private SlackScheme() {
    }

    @Override
    public String name() {
        return SLACK;
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
        String timestamp = Signatures.required(header, HEADER_TIMESTAMP);
        String value = Signatures.required(header, HEADER_SIGNATURE);
        byte[] offered = value.startsWith(PREFIX) ? Signatures.hexOrNull(value.substring(PREFIX.length())) : null;
        if (offered == null) {
            throw new WebhookVerificationException(Reason.MALFORMED, HEADER_SIGNATURE + " is not v0=<hex>");
        }
        Signatures.requireFresh(timestamp, HEADER_TIMESTAMP, tolerance, clock);
        if (!Signatures.anyMatches(keys, "v0:" + timestamp + ":", rawBody, List.of(offered))) {
            throw Signatures.mismatch(HEADER_SIGNATURE, 1, keys.size(), null);
        }
        return Signatures.requireId(Signatures.topLevelString(rawBody, "event_id")
                .orElseGet(() -> "sha256:" + Signatures.sha256Hex(rawBody)), "Slack event_id");
    }
}
