package dev.postbox.common.internal.webhook;

import dev.postbox.common.WebhookVerificationException;
import dev.postbox.common.WebhookVerificationException.Reason;
import dev.postbox.common.internal.Jsonp;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pieces every webhook scheme shares: HMAC-SHA256, constant-time matching of offered signatures against every
 * secret, header, timestamp and id checks, and reading one field of a signed JSON body. Messages name headers and
 * ids, never a secret or a signature.
 */
public final class Signatures {

    private static final String ALGORITHM = "HmacSHA256";
    /** Ids end up in logs and in the inbox key column: keep them printable and bounded. */
    public static final int MAX_ID_LENGTH = 256;

    private Signatures() {
    }

    /** HMAC-SHA256 of {@code prefix} followed by {@code body}. */
    public static byte[] hmac(byte[] key, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /**
     * Secrets used as the HMAC key byte for byte (UTF-8), as Stripe, GitHub, Shopify and Slack do: a Stripe
     * {@code whsec_...} secret is used whole, prefix included.
     */
    public static List<byte[]> utf8Keys(List<String> secrets) {
        requireSecrets(secrets);
        List<byte[]> keys = new ArrayList<>(secrets.size());
        for (int i = 0; i < secrets.size(); i++) {
            String secret = secrets.get(i);
            if (secret == null || secret.isBlank()) {
                throw new IllegalArgumentException("webhook secret #" + i + " is empty");
            }
            keys.add(secret.trim().getBytes(StandardCharsets.UTF_8));
        }
        return keys;
    }

    public static void requireSecrets(List<String> secrets) {
        if (secrets == null || secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one webhook secret is required");
        }
    }

    /**
     * True when one of {@code offered} equals the HMAC of {@code prefix + body} under one of {@code keys}; every
     * comparison is constant-time ({@link MessageDigest#isEqual}).
     */
    public static boolean anyMatches(List<byte[]> keys, String prefix, byte[] body, List<byte[]> offered) {
        for (byte[] key : keys) {
            byte[] expected = hmac(key, prefix, body);
            for (byte[] candidate : offered) {
                if (MessageDigest.isEqual(expected, candidate)) {
                    return true;
                }
            }
        }
        return false;
    }

    public static void requireBody(byte[] body) {
        if (body == null) {
            throw new WebhookVerificationException(Reason.MISSING_HEADER, "webhook body is missing");
        }
    }

    /** A header's value, trimmed; {@code MISSING_HEADER} when absent or blank. */
    public static String required(Function<String, String> header, String lowerCaseName) {
        String value = header.apply(lowerCaseName);
        if (value == null || value.isBlank()) {
            throw new WebhookVerificationException(Reason.MISSING_HEADER, "header " + lowerCaseName + " is missing");
        }
        return value.trim();
    }

    /** {@code id}, checked to be 1-256 printable ASCII characters ({@code MALFORMED} otherwise). */
    public static String requireId(String id, String source) {
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH || id.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new WebhookVerificationException(Reason.MALFORMED,
                    source + " must be 1-" + MAX_ID_LENGTH + " printable ASCII characters");
        }
        return id;
    }

    /** Parses Unix seconds and rejects a timestamp further than {@code tolerance} from now, either way. */
    public static long requireFresh(String text, String source, Duration tolerance, Clock clock) {
        long seconds;
        try {
            seconds = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new WebhookVerificationException(Reason.MALFORMED,
                    source + " is not a Unix time in seconds: " + printable(text));
        }
        Instant timestamp = Instant.ofEpochSecond(seconds);
        Instant now = clock.instant();
        if (Duration.between(timestamp, now).abs().compareTo(tolerance) > 0) {
            throw new WebhookVerificationException(Reason.TIMESTAMP_OUT_OF_TOLERANCE, source + " " + timestamp
                    + " is more than " + tolerance + " away from now (" + now
                    + "); a replayed message or a clock out of sync");
        }
        return seconds;
    }

    /** Lower- or upper-case hex, or null when {@code text} is not hex (a malformed entry cannot match). */
    public static byte[] hexOrNull(String text) {
        if (text.isEmpty() || text.length() % 2 != 0) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(text.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A signature mismatch, counting what was compared, never showing it. */
    public static WebhookVerificationException mismatch(String what, int signatures, int secrets, String id) {
        return new WebhookVerificationException(Reason.SIGNATURE_MISMATCH, "no " + what + " matches the body (checked "
                + signatures + " signature(s) against " + secrets + " secret(s))" + (id == null ? "" : " for " + id));
    }

    /**
     * The top-level string field {@code name} of a JSON object body, empty when the body is no JSON object or the
     * field is absent or not a string. The body is parsed, never re-serialized; it was verified before.
     */
    public static Optional<String> topLevelString(byte[] body, String name) {
        try (JsonParser parser = Jsonp.provider().createParser(new ByteArrayInputStream(body))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return Optional.empty();
            }
            JsonObject object = parser.getObject();
            JsonValue value = object.get(name);
            return value instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
        } catch (RuntimeException e) { // jakarta.json.JsonException, JsonParsingException: not JSON
            return Optional.empty();
        }
    }

    /** Hex SHA-256 of the raw bytes. */
    public static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    public static String printable(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }
}
