package dev.postbox.common.internal.webhook;

import dev.postbox.common.StandardWebhooks;
import dev.postbox.common.WebhookScheme;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** {@value WebhookScheme#STANDARD_WEBHOOKS}: {@link StandardWebhooks} does the work; the id is {@code webhook-id}. */
public final class StandardWebhooksScheme implements WebhookScheme {

    public static final StandardWebhooksScheme INSTANCE = new StandardWebhooksScheme();

    private StandardWebhooksScheme() {
    }

    @Override
    public String name() {
        return STANDARD_WEBHOOKS;
    }

    @Override
    public boolean timestamped() {
        return true;
    }

    @Override
    public String verify(Function<String, String> header, byte[] rawBody, List<String> secrets, Duration tolerance,
            Clock clock) {
        Signatures.requireSecrets(secrets);
        return StandardWebhooks.withSecrets(secrets.toArray(String[]::new)).withTolerance(tolerance).withClock(clock)
                .verify(header, rawBody).id();
    }
}
