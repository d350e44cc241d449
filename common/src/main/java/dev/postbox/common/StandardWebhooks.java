package dev.postbox.common;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies webhooks the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> way.
 *
 * <ul>
 *   <li>Headers {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature}.</li>
 *   <li>Signature: {@code v1,} + Base64(HMAC-SHA256(secret, id + "." + timestamp + "." + raw body)).</li>
 *   <li>The signature header may carry several space-separated signatures; one match is enough. With
 *       several secrets configured (rotation), a signature made with any of them is accepted; signing
 *       always uses the first.</li>
 *   <li>Timestamps further than the tolerance (default five minutes) from now, in either direction, are
 *       rejected, which bounds replay of a captured request.</li>
 *   <li>Comparison is constant-time.</li>
 * </ul>
 *
 * Secrets are given as {@code whsec_<base64>} (the format senders such as Svix print) or as raw Base64.
 * Instances are immutable and thread-safe.
 */
public final class StandardWebhooks {

    public static final String HEADER_ID = "webhook-id";
    public static final String HEADER_TIMESTAMP = "webhook-timestamp";
    public static final String HEADER_SIGNATURE = "webhook-signature";
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final String SECRET_PREFIX = "whsec_";
    private static final String ALGORITHM = "HmacSHA256";
    /** Ids end up in logs and in the inbox key column: keep them printable and bounded. */
    private static final int MAX_ID_LENGTH = 256;

    private final List<byte[]> keys;
    private final Duration tolerance;
    private final Clock clock;

    private StandardWebhooks(List<byte[]> keys, Duration tolerance, Clock clock) {
        this.keys = keys;
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /**
     * @param secrets one or more secrets; the first signs, all verify
     * @throws IllegalArgumentException when no secret is given or one is not valid Base64
     */
    public static StandardWebhooks withSecrets(String... secrets) {
        if (secrets == null || secrets.length == 0) {
            throw new IllegalArgumentException("at least one webhook secret is required");
        }
        List<byte[]> keys = new ArrayList<>(secrets.length);
        for (int i = 0; i < secrets.length; i++) {
            keys.add(decodeSecret(secrets[i], i));
        }
        return new StandardWebhooks(List.copyOf(keys), DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    /** A random secret in {@code whsec_} form, for tests and for set-up instructions. */
    public static String newSecret() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    public StandardWebhooks withTolerance(Duration tolerance) {
        Objects.requireNonNull(tolerance, "tolerance");
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must not be negative, was " + tolerance);
        }
        return new StandardWebhooks(keys, tolerance, clock);
    }

    public StandardWebhooks withClock(Clock clock) {
        return new StandardWebhooks(keys, tolerance, Objects.requireNonNull(clock, "clock"));
    }

    /** The {@code webhook-signature} value for a message, signed with the first secret. */
    public String sign(String id, Instant timestamp, byte[] body) {
        requireId(id);
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(body, "body");
        return "v1," + Base64.getEncoder().encodeToString(hmac(keys.get(0), id, timestamp.getEpochSecond(), body));
    }

    /** The three headers to send with a message, in the order senders usually write them. */
    public Map<String, String> headers(String id, Instant timestamp, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HEADER_ID, id);
        headers.put(HEADER_TIMESTAMP, Long.toString(timestamp.getEpochSecond()));
        headers.put(HEADER_SIGNATURE, sign(id, timestamp, body));
        return headers;
    }

    /**
     * Verifies a received webhook.
     *
     * @param header looks a header up by its lower-case name, returns null when absent
     * @param body the raw request body, exactly as received
     * @return the verified message id and timestamp
     * @throws WebhookVerificationException with a reason safe to log (never the secret or signature)
     */
    public Verified verify(Function<String, String> header, byte[] body) {
        Objects.requireNonNull(header, "header");
        if (body == null) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.MISSING_HEADER,
                    "webhook body is missing");
        }
        String id = required(header, HEADER_ID);
        String timestampText = required(header, HEADER_TIMESTAMP);
        String signatures = required(header, HEADER_SIGNATURE);
        if (id.length() > MAX_ID_LENGTH || id.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.MALFORMED,
                    "webhook-id must be 1-" + MAX_ID_LENGTH + " printable ASCII characters");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestampText.trim());
        } catch (NumberFormatException e) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.MALFORMED,
                    "webhook-timestamp is not a Unix time in seconds: " + printable(timestampText));
        }
        Instant timestamp = Instant.ofEpochSecond(seconds);
        Instant now = clock.instant();
        if (Duration.between(timestamp, now).abs().compareTo(tolerance) > 0) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.TIMESTAMP_OUT_OF_TOLERANCE,
                    "webhook-timestamp " + timestamp + " is more than " + tolerance + " away from now (" + now
                            + "); a replayed message or a clock out of sync");
        }
        List<byte[]> offered = parseSignatures(signatures);
        for (byte[] key : keys) {
            byte[] expected = hmac(key, id, seconds, body);
            for (byte[] candidate : offered) {
                if (MessageDigest.isEqual(expected, candidate)) {
                    return new Verified(id, timestamp);
                }
            }
        }
        throw new WebhookVerificationException(WebhookVerificationException.Reason.SIGNATURE_MISMATCH,
                "no webhook-signature matches the body (checked " + offered.size() + " v1 signature(s) against "
                        + keys.size() + " secret(s)) for webhook-id " + id);
    }

    /** A message whose signature and timestamp checked out. */
    public record Verified(String id, Instant timestamp) {
    }

    private static List<byte[]> parseSignatures(String header) {
        List<byte[]> result = new ArrayList<>();
        for (String part : header.trim().split(" +")) {
            int comma = part.indexOf(',');
            if (comma <= 0 || !part.substring(0, comma).equals("v1")) {
                continue; // other versions (e.g. v1a asymmetric) are not ours to check
            }
            try {
                result.add(Base64.getDecoder().decode(part.substring(comma + 1)));
            } catch (IllegalArgumentException ignored) {
                // a malformed entry cannot match; others might
            }
        }
        if (result.isEmpty()) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.MALFORMED,
                    "webhook-signature has no 'v1,<base64>' entry");
        }
        return result;
    }

    private static byte[] hmac(byte[] key, String id, long seconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update((id + "." + seconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static String required(Function<String, String> header, String name) {
        String value = header.apply(name);
        if (value == null || value.isBlank()) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.MISSING_HEADER,
                    "header " + name + " is missing");
        }
        return value;
    }

    private static void requireId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("webhook id must be 1-" + MAX_ID_LENGTH + " characters");
        }
    }

    private static byte[] decodeSecret(String secret, int index) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("webhook secret #" + index + " is empty");
        }
        String text = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        try {
            byte[] key = Base64.getDecoder().decode(text.trim());
            if (key.length < 16) {
                throw new IllegalArgumentException("webhook secret #" + index + " is shorter than 16 bytes");
            }
            return key;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("webhook secret")) {
                throw e;
            }
            throw new IllegalArgumentException("webhook secret #" + index + " is not whsec_<base64> or Base64", e);
        }
    }

    private static String printable(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }
}
