package dev.postbox.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {

    // Published test vector of the Standard Webhooks reference libraries.
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final Instant TIMESTAMP = Instant.ofEpochSecond(1614265330);
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    private final Clock atSending = Clock.fixed(TIMESTAMP, ZoneOffset.UTC);

    @Test
    void signMatchesTheReferenceVector() {
        assertThat(StandardWebhooks.withSecrets(SECRET).sign(ID, TIMESTAMP, BODY))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void validSignatureVerifies() {
        StandardWebhooks webhooks = StandardWebhooks.withSecrets(SECRET).withClock(atSending);
        StandardWebhooks.Verified verified = webhooks.verify(headers(webhooks.headers(ID, TIMESTAMP, BODY))::get, BODY);
        assertThat(verified.id()).isEqualTo(ID);
        assertThat(verified.timestamp()).isEqualTo(TIMESTAMP);
    }

    @Test
    void tamperedBodyIsRejected() {
        StandardWebhooks webhooks = StandardWebhooks.withSecrets(SECRET).withClock(atSending);
        Map<String, String> headers = headers(webhooks.headers(ID, TIMESTAMP, BODY));
        byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> webhooks.verify(headers::get, tampered))
                .isInstanceOf(WebhookVerificationException.class)
                .satisfies(e -> assertThat(((WebhookVerificationException) e).reason())
                        .isEqualTo(WebhookVerificationException.Reason.SIGNATURE_MISMATCH));
    }

    @Test
    void tamperedIdIsRejected() {
        StandardWebhooks webhooks = StandardWebhooks.withSecrets(SECRET).withClock(atSending);
        Map<String, String> headers = headers(webhooks.headers(ID, TIMESTAMP, BODY));
        headers.put(StandardWebhooks.HEADER_ID, "msg_other");
        assertThatThrownBy(() -> webhooks.verify(headers::get, BODY))
                .isInstanceOf(WebhookVerificationException.class)
                .hasMessageContaining("msg_other");
    }

    @Test
    void expiredAndFutureTimestampsAreRejected() {
        StandardWebhooks signer = StandardWebhooks.withSecrets(SECRET);
        Map<String, String> headers = headers(signer.headers(ID, TIMESTAMP, BODY));
        StandardWebhooks sixMinutesLater = signer.withClock(Clock.offset(atSending, Duration.ofMinutes(6)));
        StandardWebhooks sixMinutesEarlier = signer.withClock(Clock.offset(atSending, Duration.ofMinutes(-6)));
        StandardWebhooks fourMinutesLater = signer.withClock(Clock.offset(atSending, Duration.ofMinutes(4)));

        assertThatThrownBy(() -> sixMinutesLater.verify(headers::get, BODY))
                .isInstanceOf(WebhookVerificationException.class)
                .satisfies(e -> assertThat(((WebhookVerificationException) e).reason())
                        .isEqualTo(WebhookVerificationException.Reason.TIMESTAMP_OUT_OF_TOLERANCE));
        assertThatThrownBy(() -> sixMinutesEarlier.verify(headers::get, BODY))
                .isInstanceOf(WebhookVerificationException.class);
        assertThat(fourMinutesLater.verify(headers::get, BODY).id()).isEqualTo(ID);
    }

    @Test
    void rotatedSecretStillVerifiesDuringOverlap() {
        String oldSecret = StandardWebhooks.newSecret();
        String newSecret = StandardWebhooks.newSecret();
        StandardWebhooks oldSender = StandardWebhooks.withSecrets(oldSecret).withClock(atSending);
        StandardWebhooks newSender = StandardWebhooks.withSecrets(newSecret).withClock(atSending);
        StandardWebhooks receiver = StandardWebhooks.withSecrets(newSecret, oldSecret).withClock(atSending);
        StandardWebhooks receiverAfterRotation = StandardWebhooks.withSecrets(newSecret).withClock(atSending);

        assertThat(receiver.verify(headers(oldSender.headers(ID, TIMESTAMP, BODY))::get, BODY).id()).isEqualTo(ID);
        assertThat(receiver.verify(headers(newSender.headers(ID, TIMESTAMP, BODY))::get, BODY).id()).isEqualTo(ID);
        assertThatThrownBy(() -> receiverAfterRotation.verify(headers(oldSender.headers(ID, TIMESTAMP, BODY))::get, BODY))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void oneMatchingSignatureAmongSeveralIsEnough() {
        StandardWebhooks webhooks = StandardWebhooks.withSecrets(SECRET).withClock(atSending);
        Map<String, String> headers = headers(webhooks.headers(ID, TIMESTAMP, BODY));
        headers.put(StandardWebhooks.HEADER_SIGNATURE, "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a,xyz "
                + headers.get(StandardWebhooks.HEADER_SIGNATURE));
        assertThat(webhooks.verify(headers::get, BODY).id()).isEqualTo(ID);
    }

    @Test
    void missingOrMalformedHeadersGiveClearReasons() {
        StandardWebhooks webhooks = StandardWebhooks.withSecrets(SECRET).withClock(atSending);
        Map<String, String> headers = headers(webhooks.headers(ID, TIMESTAMP, BODY));

        Map<String, String> noId = new HashMap<>(headers);
        noId.remove(StandardWebhooks.HEADER_ID);
        assertThatThrownBy(() -> webhooks.verify(noId::get, BODY)).hasMessage("header webhook-id is missing");

        Map<String, String> badTime = new HashMap<>(headers);
        badTime.put(StandardWebhooks.HEADER_TIMESTAMP, "yesterday");
        assertThatThrownBy(() -> webhooks.verify(badTime::get, BODY))
                .hasMessageContaining("not a Unix time in seconds");

        Map<String, String> noV1 = new HashMap<>(headers);
        noV1.put(StandardWebhooks.HEADER_SIGNATURE, "v2,abc");
        assertThatThrownBy(() -> webhooks.verify(noV1::get, BODY)).hasMessageContaining("no 'v1,<base64>' entry");

        assertThatThrownBy(() -> webhooks.verify(headers::get, null)).isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void badSecretsAreRejectedUpFront() {
        assertThatThrownBy(StandardWebhooks::withSecrets).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StandardWebhooks.withSecrets("whsec_not base64!"))
                .hasMessageContaining("secret #0");
        assertThatThrownBy(() -> StandardWebhooks.withSecrets("c2hvcnQ=")).hasMessageContaining("shorter than 16 bytes");
    }

    private static Map<String, String> headers(Map<String, String> signed) {
        return new HashMap<>(signed);
    }
}
