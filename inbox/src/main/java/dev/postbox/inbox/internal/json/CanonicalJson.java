package dev.postbox.inbox.internal.json;

import dev.postbox.common.internal.Jsonp;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParser;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON and its SHA-256, so that the same payload always gets the same fingerprint however a sender
 * formats it: object members sorted by name (UTF-16 code units, as RFC 8785 does), no insignificant whitespace,
 * numbers normalised ({@code 1.0}, {@code 1e0} and {@code 1} are the same), strings with minimal escaping.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    /**
     * Parses and canonicalises JSON text.
     *
     * @throws IllegalArgumentException when the text is not one well-formed JSON value
     */
    public static String canonicalize(String json) {
        return write(parse(json));
    }

    /** SHA-256 (lower-case hex) of the canonical form of {@code json}. */
    public static String sha256(String json) {
        return sha256Hex(canonicalize(json));
    }

    /** Parses one JSON value; trailing content is an error. */
    public static JsonValue parse(String json) {
        if (json == null) {
            throw new IllegalArgumentException("JSON text is null");
        }
        try (JsonParser parser = Jsonp.provider().createParser(new StringReader(json))) {
            if (!parser.hasNext()) {
                throw new IllegalArgumentException("malformed JSON: no value");
            }
            parser.next();
            JsonValue value = parser.getValue();
            if (parser.hasNext()) {
                throw new IllegalArgumentException("malformed JSON: content after the value at "
                        + parser.getLocation().getStreamOffset());
            }
            return value;
        } catch (JsonParsingException e) {
            throw new IllegalArgumentException("malformed JSON at line " + e.getLocation().getLineNumber()
                    + ", column " + e.getLocation().getColumnNumber() + ": " + e.getMessage(), e);
        } catch (JsonException | java.util.NoSuchElementException | IllegalStateException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getMessage(), e);
        }
    }

    public static String write(JsonValue value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    public static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static void write(JsonValue value, StringBuilder out) {
        switch (value.getValueType()) {
            case OBJECT -> writeObject((JsonObject) value, out);
            case ARRAY -> {
                out.append('[');
                JsonArray array = (JsonArray) value;
                for (int i = 0; i < array.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(array.get(i), out);
                }
                out.append(']');
            }
            case STRING -> writeString(((JsonString) value).getString(), out);
            case NUMBER -> out.append(number(((JsonNumber) value).bigDecimalValue()));
            case TRUE -> out.append("true");
            case FALSE -> out.append("false");
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("unexpected JSON value " + value.getValueType());
        }
    }

    private static void writeObject(JsonObject object, StringBuilder out) {
        List<Map.Entry<String, JsonValue>> members = new ArrayList<>(object.entrySet());
        // String.compareTo compares UTF-16 code units, which is what RFC 8785 prescribes
        members.sort(Map.Entry.comparingByKey());
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonValue> member : members) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(member.getKey(), out);
            out.append(':');
            write(member.getValue(), out);
        }
        out.append('}');
    }

    /** One spelling per numeric value: no trailing zeros, no exponent for ordinary magnitudes, "0" for -0. */
    static String number(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        int integerDigits = stripped.precision() - stripped.scale();
        if (integerDigits <= 21 && integerDigits > -7) {
            return stripped.toPlainString();
        }
        // huge or tiny magnitudes: scientific notation keeps the text (and our memory) bounded
        return stripped.toString().replace("E+", "e").replace("E", "e");
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
