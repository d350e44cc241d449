package dev.postbox.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.common.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Each built-in scheme against the provider's published test vector where the provider publishes one, else against
 * a signature computed here with {@link Mac} from the provider's documented recipe; then tampered body, wrong
 * secret, stale timestamp and missing headers.
 */
class WebhookSchemeTest {

    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @Test
    void builtInsAreChosenByNameAndAnUnknownNameListsThem() {
        for (String name : WebhookScheme.builtInNames()) {
            assertThat(WebhookScheme.builtIn(name).name()).isEqualTo(name);
        }
        assertThat(WebhookScheme.builtIn("GitHub").name()).isEqualTo("github");
        assertThat(WebhookScheme.builtInNames().get(0)).isEqualTo("standard-webhooks");
        assertThatThrownBy(() -> WebhookScheme.builtIn("paypal")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("paypal").hasMessageContaining("standard-webhooks, stripe, github, shopify, slack");
    }

    @Test
    void noSecretIsAnError() {
        for (String name : WebhookScheme.builtInNames()) {
            assertThatThrownBy(() -> WebhookScheme.builtIn(name).verify(h -> null, new byte[0], List.of(),
                    FIVE_MINUTES, Clock.systemUTC())).as(name).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("secret");
        }
    }

    @Nested
    class StandardWebhooksScheme {
        // the Standard Webhooks reference libraries' vector (as in StandardWebhooksTest)
        private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        private final WebhookScheme scheme = WebhookScheme.builtIn("standard-webhooks");
        private final byte[] body = utf8("{\"test\": 2432232314}");
        private final Clock atSending = at(1614265330);

        @Test
        void referenceVectorVerifiesAndTheIdIsWebhookId() {
            Function<String, String> h = headers("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                    "webhook-timestamp", "1614265330",
                    "webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
            assertThat(scheme.verify(h, body, List.of(SECRET), FIVE_MINUTES, atSending))
                    .isEqualTo("msg_p5jXN8AQM9LWM0D4loKWxJek");
            assertReason(Reason.SIGNATURE_MISMATCH, () -> scheme.verify(h, utf8("{\"test\": 2432232315}"),
                    List.of(SECRET), FIVE_MINUTES, atSending));
            assertReason(Reason.TIMESTAMP_OUT_OF_TOLERANCE, () -> scheme.verify(h, body, List.of(SECRET),
                    FIVE_MINUTES, Clock.offset(atSending, Duration.ofMinutes(6))));
            assertReason(Reason.MISSING_HEADER, () -> scheme.verify(headers("webhook-id", "msg_1"), body,
                    List.of(SECRET), FIVE_MINUTES, atSending));
        }
    }

    @Nested
    class Stripe {
        private static final String SECRET = "whsec_stripe_endpoint_secret_1";
        private static final String OLD_SECRET = "whsec_stripe_endpoint_secret_0";
        private final WebhookScheme scheme = WebhookScheme.builtIn("stripe");
        // formatted as Stripe sends it: the signature covers these exact bytes, whitespace included
        private final byte[] body = utf8("{\n  \"id\": \"evt_1NG8Du2eZvKYlo2CUI79vXWy\",\n  \"object\": \"event\",\n"
                + "  \"type\": \"payment_intent.succeeded\"\n}");
        private final long t = 1700000000;
        private final Clock now = at(t + 30);

        /** Stripe's documented recipe: hex HMAC-SHA256 of "t.body", the whsec_ secret used whole as the key. */
        private String v1(String secret, long timestamp, byte[] payload) {
            return hex(hmac(secret, concat(timestamp + ".", payload)));
        }

        private Function<String, String> signed(String header) {
            return headers("Stripe-Signature", header);
        }

        @Test
        void aValidSignatureVerifiesAndTheIdIsTheEventIdOfTheSignedBody() {
            Function<String, String> h = signed("t=" + t + ",v1=" + v1(SECRET, t, body) + ",v0=" + "00".repeat(32));
            assertThat(scheme.verify(h, body, List.of(SECRET), FIVE_MINUTES, now))
                    .isEqualTo("evt_1NG8Du2eZvKYlo2CUI79vXWy");
        }

        @Test
        void oneMatchingV1AmongSeveralIsEnoughAndOldSecretsStillVerify() {
            Function<String, String> rolling = signed("t=" + t + ",v1=" + v1("whsec_other", t, body) + ",v1="
                    + v1(OLD_SECRET, t, body));
            assertThat(scheme.verify(rolling, body, List.of(SECRET, OLD_SECRET), FIVE_MINUTES, now))
                    .startsWith("evt_");
            assertReason(Reason.SIGNATURE_MISMATCH, () -> scheme.verify(rolling, body, List.of(SECRET),
                    FIVE_MINUTES, now));
        }

        @Test
        void tamperedOrReserializedBodyWrongSecretAndStaleTimestampAreRejected() {
            String signature = v1(SECRET, t, body);
            Function<String, String> h = signed("t=" + t + ",v1=" + signature);
            byte[] reserialized = utf8("{\"id\":\"evt_1NG8Du2eZvKYlo2CUI79vXWy\",\"object\":\"event\","
                    + "\"type\":\"payment_intent.succeeded\"}");
            assertReason(Reason.SIGNATURE_MISMATCH, () -> scheme.verify(h, reserialized, List.of(SECRET),
                    FIVE_MINUTES, now));
            WebhookVerificationException wrongSecret = assertReason(Reason.SIGNATURE_MISMATCH,
                    () -> scheme.verify(h, body, List.of("whsec_wrong"), FIVE_MINUTES, now));
            assertThat(wrongSecret.getMessage()).doesNotContain(signature).doesNotContain("whsec_wrong")
                    .doesNotContain(v1("whsec_wrong", t, body));
            assertReason(Reason.TIMESTAMP_OUT_OF_TOLERANCE, () -> scheme.verify(h, body, List.of(SECRET),
                    FIVE_MINUTES, at(t + 301)));
            // the timestamp is signed: moving it into the window breaks the signature
            assertReason(Reason.SIGNATURE_MISMATCH, () -> scheme.verify(signed("t=" + (t + 300) + ",v1=" + signature),
                    body, List.of(SECRET), FIVE_MINUTES, at(t + 301)));
        }

        @Test
        void missingOrMalformedHeadersAndABodyWithoutEventIdAreRejected() {
            assertReason(Reason.MISSING_HEADER, () -> scheme.verify(headers(), body, List.of(SECRET), FIVE_MINUTES,
                    now));
            assertReason(Reason.MALFORMED, () -> scheme.verify(signed("v1=" + v1(SECRET, t, body)), body,
                    List.of(SECRET), FIVE_MINUTES, now));
            assertReason(Reason.MALFORMED, () -> scheme.verify(signed("t=" + t + ",v0=abcd"), body, List.of(SECRET),
                    FIVE_MINUTES, now));
            byte[] noId = utf8("{\"object\":\"event\"}");
            assertReason(Reason.MALFORMED, () -> scheme.verify(signed("t=" + t + ",v1=" + v1(SECRET, t, noId)), noId,
                    List.of(SECRET), FIVE_MINUTES, now));
        }
    }

    @Nested
    class GitHub {
        private final WebhookScheme scheme = WebhookScheme.builtIn("github");
        private static final String SECRET = "It's a Secret to Everybody";
        private final byte[] body = utf8("Hello, World!");
        private static final String DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

        @Test
        void githubsPublishedVectorVerifiesAndTheIdIsTheDeliveryGuid() {
            // docs.github.com, "Validating webhook deliveries", "Testing the webhook payload validation"
            Function<String, String> h = headers("X-Hub-Signature-256",
                    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                    "X-GitHub-Delivery", DELIVERY);
            assertThat(scheme.verify(h, body, List.of(SECRET), FIVE_MINUTES, Clock.systemUTC())).isEqualTo(DELIVERY);
            assertThat(scheme.timestamped()).isFalse(); // GitHub signs no timestamp: the clock plays no part
            assertThat(scheme.verify(h, body, List.of("rotated-in", SECRET), FIVE_MINUTES, at(0))).isEqualTo(DELIVERY);
        }

        @Test
        void tamperedBodyWrongSecretAndMissingOrMalformedHeadersAreRejected() {
            String signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
            Function<String, String> h = headers("X-Hub-Signature-256", signature, "X-GitHub-Delivery", DELIVERY);
            assertReason(Reason.SIGNATURE_MISMATCH, () -> scheme.verify(h, utf8("Hello, World?"), List.of(SECRET),
                    FIVE_MINUTES, Clock.systemUTC()));
            WebhookVerificationException e = assertReason(Reason.SIGNATURE_MISMATCH, () -> scheme.verify(h, body,
                    List.of("not the secret"), FIVE_MINUTES, Clock.systemUTC()));
            assertThat(e.getMessage()).contains(DELIVERY).doesNotContain("757107ea").doesNotContain("not the secret");
            assertReason(Reason.MISSING_HEADER, () -> scheme.verify(headers("X-GitHub-Delivery", DELIVERY), body,
                    List.of(SECRET), FIVE_MINUTES, Clock.systemUTC()));
            assertReason(Reason.MISSING_HEADER, () -> scheme.verify(headers("X-Hub-Signature-256", signature), body,
                    List.of(SECRET), FIVE_MINUTES, Clock.systemUTC()));
            assertReason(Reason.MALFORMED, () -> scheme.verify(headers("X-Hub-Signature-256", "sha1=01dc10d0",
                    "X-GitHub-Delivery", DELIVERY), body, List.of(SECRET), FIVE_MINUTES, Clock.systemUTC()));
        }
    }

    @Nested
    class Shopify {
        private final WebhookScheme scheme = WebhookScheme.builtIn("shopify");
        private static final String SECRET = "shpss_client_secret_of_the_app";
        private static final String WEBHOOK_ID = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043";
        private final byte[] body = utf8("{\"id\":820982911946154508,\"email\":\"jon@example.com\"}");

        /** Shopify's documented recipe: Base64 of HMAC-SHA256 of the raw body with the app's client secret. */
        private String hmacHeader(String secret, byte[] payload) {
            return Base64.getEncoder().encodeToString(hmac(secret, payload));
        }

        @Test
        void aValidSignatureVerifiesAndTheIdIsTheWebhookId() {
            Function<String, String> h = headers("X-Shopify-Hmac-Sha256", hmacHeader(SECRET, body),
                    "X-Shopify-Webhook-Id", WEBHOOK_ID, "X-Shopify-Topic", "orders/create");
            assertThat(scheme.verify(h, body, List.of(SECRET), FIVE_MINUTES, Clock.systemUTC())).isEqualTo(WEBHOOK_ID);
            assertThat(scheme.timestamped()).isFalse();
        }

        @Test
        void tamperedBodyWrongSecretAndMissingOrMalformedHeadersAreRejected() {
            String signature = hmacHeader(SECRET, body);
            Function<String, String> h = headers("X-Shopify-Hmac-Sha256", signature, "X-Shopify-Webhook-Id",
                    WEBHOOK_ID);
            assertReason(Reason.SIGNATURE_MISMATCH, () -> scheme.verify(h, utf8("{\"id\":820982911946154509}"),
                    List.of(SECRET), FIVE_MINUTES, Clock.systemUTC()));
            WebhookVerificationException e = assertReason(Reason.SIGNATURE_MISMATCH, () -> scheme.verify(h, body,
                    List.of("shpss_wrong"), FIVE_MINUTES, Clock.systemUTC()));
            assertThat(e.getMessage()).doesNotContain(signature).doesNotContain("shpss_wrong");
            assertReason(Reason.MISSING_HEADER, () -> scheme.verify(headers("X-Shopify-Webhook-Id", WEBHOOK_ID), body,
                    List.of(SECRET), FIVE_MINUTES, Clock.systemUTC()));
            assertReason(Reason.MISSING_HEADER, () -> scheme.verify(headers("X-Shopify-Hmac-Sha256", signature), body,
                    List.of(SECRET), FIVE_MINUTES, Clock.systemUTC()));
            assertReason(Reason.MALFORMED, () -> scheme.verify(headers("X-Shopify-Hmac-Sha256", "not base64!",
                    "X-Shopify-Webhook-Id", WEBHOOK_ID), body, List.of(SECRET), FIVE_MINUTES, Clock.systemUTC()));
        }
    }

    @Nested
    class Slack {
        // api.slack.com, "Verifying requests from Slack", the walk-through example
        private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
        private static final long TIMESTAMP = 1531420618;
        private final byte[] body = utf8("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
                + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
                + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
                + "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
                + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
        private static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        private final WebhookScheme scheme = WebhookScheme.builtIn("slack");
        private final Function<String, String> signed = headers("X-Slack-Request-Timestamp",
                Long.toString(TIMESTAMP), "X-Slack-Signature", SIGNATURE);

        @Test
        void slacksPublishedExampleVerifiesAndAFormBodyIsKeyedByItsHash() {
            assertThat(scheme.verify(signed, body, List.of(SECRET), FIVE_MINUTES, at(TIMESTAMP + 60)))
                    .isEqualTo("sha256:" + hex(sha256(body)));
        }

        @Test
        void anEventsApiBodyIsKeyedByEventIdSoARetryWithNewTimestampIsTheSameMessage() {
            byte[] event = utf8("{\"token\":\"x\",\"team_id\":\"T1\",\"event\":{\"type\":\"app_mention\"},"
                    + "\"type\":\"event_callback\",\"event_id\":\"Ev08MFMKH6\",\"event_time\":1234567890}");
            Function<String, String> first = headers("X-Slack-Request-Timestamp", "1700000000",
                    "X-Slack-Signature", "v0=" + hex(hmac(SECRET, concat("v0:1700000000:", event))));
            Function<String, String> retry = headers("X-Slack-Request-Timestamp", "1700000061",
                    "X-Slack-Signature", "v0=" + hex(hmac(SECRET, concat("v0:1700000061:", event))),
                    "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout");
            assertThat(scheme.verify(first, event, List.of(SECRET), FIVE_MINUTES, at(1700000000)))
                    .isEqualTo("Ev08MFMKH6");
            assertThat(scheme.verify(retry, event, List.of(SECRET), FIVE_MINUTES, at(1700000061)))
                    .isEqualTo("Ev08MFMKH6");
        }

        @Test
        void tamperedBodyWrongSecretStaleTimestampAndMissingHeadersAreRejected() {
            byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("foobar", "foobaz")
                    .getBytes(StandardCharsets.UTF_8);
            assertReason(Reason.SIGNATURE_MISMATCH, () -> scheme.verify(signed, tampered, List.of(SECRET),
                    FIVE_MINUTES, at(TIMESTAMP)));
            WebhookVerificationException e = assertReason(Reason.SIGNATURE_MISMATCH, () -> scheme.verify(signed, body,
                    List.of("8f742231b10e8888abcd99yyyzzz85a6"), FIVE_MINUTES, at(TIMESTAMP)));
            assertThat(e.getMessage()).doesNotContain("a2114d57").doesNotContain("85a6").doesNotContain(SECRET);
            assertReason(Reason.TIMESTAMP_OUT_OF_TOLERANCE, () -> scheme.verify(signed, body, List.of(SECRET),
                    FIVE_MINUTES, at(TIMESTAMP + 5 * 60 + 1)));
            assertReason(Reason.MISSING_HEADER, () -> scheme.verify(headers("X-Slack-Signature", SIGNATURE), body,
                    List.of(SECRET), FIVE_MINUTES, at(TIMESTAMP)));
            assertReason(Reason.MISSING_HEADER, () -> scheme.verify(headers("X-Slack-Request-Timestamp",
                    Long.toString(TIMESTAMP)), body, List.of(SECRET), FIVE_MINUTES, at(TIMESTAMP)));
            assertReason(Reason.MALFORMED, () -> scheme.verify(headers("X-Slack-Request-Timestamp",
                    Long.toString(TIMESTAMP), "X-Slack-Signature", SIGNATURE.replace("v0=", "v1=")), body,
                    List.of(SECRET), FIVE_MINUTES, at(TIMESTAMP)));
        }
    }

    private static WebhookVerificationException assertReason(Reason reason, ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(WebhookVerificationException.class);
        WebhookVerificationException e = (WebhookVerificationException) thrown;
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        return e;
    }

    /** A case-insensitive header lookup, as JAX-RS and servlets give (the schemes ask by lower-case name). */
    private static Function<String, String> headers(String... namesAndValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i].toLowerCase(Locale.ROOT), namesAndValues[i + 1]);
        }
        return name -> map.get(name.toLowerCase(Locale.ROOT));
    }

    private static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(String prefix, byte[] payload) {
        byte[] p = utf8(prefix);
        byte[] all = new byte[p.length + payload.length];
        System.arraycopy(p, 0, all, 0, p.length);
        System.arraycopy(payload, 0, all, p.length, payload.length);
        return all;
    }

    private static byte[] hmac(String secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(utf8(secret), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
