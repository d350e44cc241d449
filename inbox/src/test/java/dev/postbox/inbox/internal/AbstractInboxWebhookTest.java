package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.common.StandardWebhooks;
import dev.postbox.common.WebhookVerificationException;
import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.InboxResult;
import dev.postbox.inbox.InvalidMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Webhook receivers through the inbox: verify the raw body with the receiver's scheme (Standard Webhooks by default,
 * GitHub and Stripe configured here), then process once per the id the sender gives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractInboxWebhookTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();


    private static final String OLD_SECRET = StandardWebhooks.newSecret();
    private static final String NEW_SECRET = StandardWebhooks.newSecret();
    private static InboxDatabase database;
    private static InboxRuntime runtime;
    private static Inbox inbox;
    private static final AtomicInteger calls = new AtomicInteger();
    private static final String GITHUB_SECRET = "gh-webhook-secret";
    private static final String STRIPE_SECRET = "whsec_stripe_test_secret";

    @BeforeAll
    void start() {
        database = InboxDatabase.create(product(), "inbox_webhook");
        // rotation: the new secret first (it would sign), the old one still verifies
        runtime = database.runtime(Map.of("postbox.inbox.webhooks.psp.secrets", NEW_SECRET + ", " + OLD_SECRET,
                "postbox.inbox.max-payload-bytes", "4096",
                "postbox.inbox.webhooks.gh.scheme", "github", "postbox.inbox.webhooks.gh.secrets", GITHUB_SECRET,
                "postbox.inbox.webhooks.stripe.scheme", "stripe",
                "postbox.inbox.webhooks.stripe.secrets", STRIPE_SECRET,
                "postbox.inbox.webhooks.badsecret.secrets", "whsec_!!not-base64!!"));
        inbox = runtime.inbox();
        inbox.register("psp", payload -> {
            calls.incrementAndGet();
            database.effect("psp", "payment", payload);
            return "ack " + calls.get();
        });
        for (String scope : new String[] {"gh", "stripe"}) {
            AtomicInteger runs = new AtomicInteger();
            inbox.register(scope, payload -> {
                database.effect(scope, "event", payload);
                return scope + " run " + runs.incrementAndGet();
            });
        }
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void validSignatureIsProcessedOnceAndRedeliveriesOfTheSameIdAreDeduplicated() {
        int before = calls.get();
        byte[] body = "{\"type\":\"payment.succeeded\",\"data\":{\"id\":\"pay_1\"}}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = StandardWebhooks.withSecrets(NEW_SECRET).headers("msg_1", Instant.now(), body);

        String first = inbox.processWebhook("psp", headers::get, body, String.class).value();
        // the sender retries (new timestamp, new signature, same webhook-id and body)
        Map<String, String> retry = StandardWebhooks.withSecrets(NEW_SECRET)
                .headers("msg_1", Instant.now().plusSeconds(1), body);
        String second = inbox.processWebhook("psp", retry::get, body, String.class).value();

        assertThat(second).isEqualTo(first);
        assertThat(calls.get() - before).isEqualTo(1);
        assertThat(runtime.history().find("psp", "msg_1")).isPresent();
    }

    @Test
    void aSignatureMadeWithTheRotatedOutSecretIsStillAccepted() {
        byte[] body = "{\"type\":\"payment.refunded\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = StandardWebhooks.withSecrets(OLD_SECRET).headers("msg_old", Instant.now(), body);
        assertThat(inbox.processWebhook("psp", headers::get, body, String.class).value()).startsWith("ack ");
    }

    @Test
    void tamperedExpiredOrUnsignedWebhooksAreRejectedAndLeaveNoRow() {
        byte[] body = "{\"amount\":100}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> signed = StandardWebhooks.withSecrets(NEW_SECRET).headers("msg_bad", Instant.now(), body);
        byte[] tampered = "{\"amount\":999}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> inbox.processWebhook("psp", signed::get, tampered, String.class))
                .isInstanceOfSatisfying(WebhookVerificationException.class, e -> assertThat(e.reason())
                        .isEqualTo(WebhookVerificationException.Reason.SIGNATURE_MISMATCH));

        Map<String, String> expired = StandardWebhooks.withSecrets(NEW_SECRET)
                .headers("msg_bad", Instant.now().minus(Duration.ofMinutes(10)), body);
        assertThatThrownBy(() -> inbox.processWebhook("psp", expired::get, body, String.class))
                .isInstanceOfSatisfying(WebhookVerificationException.class, e -> assertThat(e.reason())
                        .isEqualTo(WebhookVerificationException.Reason.TIMESTAMP_OUT_OF_TOLERANCE));

        Map<String, String> foreign = StandardWebhooks.withSecrets(StandardWebhooks.newSecret())
                .headers("msg_bad", Instant.now(), body);
        assertThatThrownBy(() -> inbox.processWebhook("psp", foreign::get, body, String.class))
                .isInstanceOf(WebhookVerificationException.class);

        Map<String, String> noSignature = new HashMap<>(signed);
        noSignature.remove(StandardWebhooks.HEADER_SIGNATURE);
        assertThatThrownBy(() -> inbox.processWebhook("psp", noSignature::get, body, String.class))
                .isInstanceOfSatisfying(WebhookVerificationException.class, e -> assertThat(e.reason())
                        .isEqualTo(WebhookVerificationException.Reason.MISSING_HEADER));

        byte[] notJson = "amount=100".getBytes(StandardCharsets.UTF_8);
        Map<String, String> signedNotJson = StandardWebhooks.withSecrets(NEW_SECRET)
                .headers("msg_bad", Instant.now(), notJson);
        assertThatThrownBy(() -> inbox.processWebhook("psp", signedNotJson::get, notJson, String.class))
                .isInstanceOf(InvalidMessageException.class);

        assertThat(database.db.queryLong("SELECT count(*) FROM postbox_inbox WHERE idempotency_key = 'msg_bad'"))
                .isZero();
    }

    @Test
    void aReceiverWithoutSecretsIsAConfigurationErrorNamingTheKey() {
        inbox.register("nosecret", payload -> "x");
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> inbox.processWebhook("nosecret", h -> null, body, String.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("postbox.inbox.webhooks.nosecret.secrets");
    }

    @Test
    void aGitHubReceiverVerifiesXHubSignature256AndDeduplicatesOnTheDeliveryId() {
        byte[] body = "{\"action\":\"opened\",\"number\":7}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of("x-hub-signature-256", "sha256=" + hex(hmac(GITHUB_SECRET, "", body)),
                "x-github-delivery", "d7a0e5b0-0000-11ef-8000-000000000001", "x-github-event", "pull_request");

        InboxResult<String> first = inbox.processWebhook("gh", headers::get, body, String.class);
        InboxResult<String> redelivery = inbox.processWebhook("gh", headers::get, body, String.class);

        assertThat(first.replayed()).isFalse();
        assertThat(redelivery.replayed()).isTrue();
        assertThat(redelivery.value()).isEqualTo(first.value()).isEqualTo("gh run 1");
        assertThat(database.effects("gh")).isEqualTo(1);
        assertThat(runtime.history().find("gh", "d7a0e5b0-0000-11ef-8000-000000000001")).isPresent();

        // the scheme is the receiver's: Standard Webhooks headers do not satisfy it, nor a tampered body
        Map<String, String> standard = StandardWebhooks.withSecrets(NEW_SECRET).headers("msg_gh", Instant.now(), body);
        assertThatThrownBy(() -> inbox.processWebhook("gh", standard::get, body, String.class))
                .isInstanceOfSatisfying(WebhookVerificationException.class, e -> assertThat(e.reason())
                        .isEqualTo(WebhookVerificationException.Reason.MISSING_HEADER));
        byte[] tampered = "{\"action\":\"closed\",\"number\":7}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> inbox.processWebhook("gh", headers::get, tampered, String.class))
                .isInstanceOfSatisfying(WebhookVerificationException.class, e -> assertThat(e.reason())
                        .isEqualTo(WebhookVerificationException.Reason.SIGNATURE_MISMATCH));
        assertThat(database.effects("gh")).isEqualTo(1);
    }

    @Test
    void aStripeRetryWithANewTimestampIsTheSameEventAndRunsOnce() {
        byte[] body = "{\n  \"id\": \"evt_inbox_1\",\n  \"type\": \"charge.succeeded\"\n}"
                .getBytes(StandardCharsets.UTF_8);
        long t = Instant.now().getEpochSecond();
        Map<String, String> first = Map.of("stripe-signature", "t=" + t + ",v1=" + hex(hmac(STRIPE_SECRET, t + ".",
                body)));
        Map<String, String> retry = Map.of("stripe-signature", "t=" + (t + 60) + ",v1="
                + hex(hmac(STRIPE_SECRET, (t + 60) + ".", body)));

        InboxResult<String> a = inbox.processWebhook("stripe", first::get, body, String.class);
        InboxResult<String> b = inbox.processWebhook("stripe", retry::get, body, String.class);

        assertThat(b.replayed()).isTrue();
        assertThat(b.value()).isEqualTo(a.value());
        assertThat(database.effects("stripe")).isEqualTo(1);
        assertThat(runtime.history().find("stripe", "evt_inbox_1")).isPresent();
    }

    @Test
    void aSecretNotInTheSchemesFormatIsAnErrorNamingTheKeyButNotTheSecret() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = StandardWebhooks.withSecrets(NEW_SECRET).headers("msg_x", Instant.now(), body);
        assertThatThrownBy(() -> inbox.processWebhook("badsecret", headers::get, body, String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postbox.inbox.webhooks.badsecret.secrets")
                .hasMessageContaining("scheme standard-webhooks")
                .hasMessageNotContaining("not-base64");
    }

    private static byte[] hmac(String secret, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
