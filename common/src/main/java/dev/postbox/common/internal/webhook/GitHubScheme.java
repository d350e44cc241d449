package dev.postbox.common.internal.webhook;

import dev.postbox.common.WebhookScheme;
import dev.postbox.common.WebhookVerificationException;
import dev.postbox.common.WebhookVerificationException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * {@value WebhookScheme#GITHUB}: {@code X-Hub-Signature-256: sha256=<hex>}, a hex HMAC-SHA256 of the raw body with
 * the webhook's secret (UTF-8). The id is {@code X-GitHub-Delivery}: a GUID per event, which
 * a redelivery (GitHub does not retry by itself; redeliveries are made from the UI or the API) keeps
 * (github/docs issue 32822).
 * GitHub signs no timestamp, so a captured request can be replayed; the inbox's dedup on the delivery id makes a
 * replay a duplicate while the record is retained. The legacy SHA-1 {@code X-Hub-Signature} is not accepted.
 */
public final class GitHubScheme implements WebhookScheme {

    public static final GitHubScheme INSTANCE = new GitHubScheme();
    static final String HEADER_SIGNATURE = "x-hub-signature-256";
    static final String HEADER_ID = "x-github-delivery";
    private static final String PREFIX = "sha256=";

    private GitHubScheme() {
    }

    @Override
    public String name() {
        return GITHUB;
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
        String value = Signatures.required(header, HEADER_SIGNATURE);
        byte[] offered = value.startsWith(PREFIX) ? Signatures.hexOrNull(value.substring(PREFIX.length())) : null;
        if (offered == null) {
            throw new WebhookVerificationException(Reason.MALFORMED, HEADER_SIGNATURE + " is not sha256=<hex>");
        }
        if (!Signatures.anyMatches(keys, "", rawBody, List.of(offered))) {
            throw Signatures.mismatch(HEADER_SIGNATURE, 1, keys.size(), HEADER_ID + " " + id);
        }
        return id;
    }
}
