package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.common.StandardWebhooks;
import dev.postbox.common.WebhookVerificationException;
import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.InvalidMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Standard Webhooks receivers through the inbox: verify the raw body, then process once per webhook-id. */
class InboxWebhookTest {

    private static final String OLD_SECRET = StandardWebhooks.newSecret();
    private static final String NEW_SECRET = StandardWebhooks.newSecret();
    private static InboxDatabase database;
    private static InboxRuntime runtime;
    private static Inbox inbox;
    private static final AtomicInteger calls = new AtomicInteger();

    @BeforeAll
    static void start() {
        database = InboxDatabase.create("inbox_webhook");
        // rotation: the new secret first (it would sign), the old one still verifies
        runtime = database.runtime(Map.of("postbox.inbox.webhooks.psp.secrets", NEW_SECRET + ", " + OLD_SECRET,
                "postbox.inbox.max-payload-bytes", "4096"));
        inbox = runtime.inbox();
        inbox.register("psp", payload -> {
            calls.incrementAndGet();
            database.effect("psp", "payment", payload);
            return "ack " + calls.get();
        });
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
}
