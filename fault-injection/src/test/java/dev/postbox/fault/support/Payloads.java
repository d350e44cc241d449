package dev.postbox.fault.support;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The JSON payload the producer writes and the consumer reads: event id, aggregate id, sequence per aggregate. */
public final class Payloads {

    private static final Pattern EVENT_ID = Pattern.compile("\"eventId\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Pattern AGGREGATE = Pattern.compile("\"aggregate\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern SEQ = Pattern.compile("\"seq\"\\s*:\\s*(\\d+)");

    private Payloads() {
    }

    public static String of(UUID eventId, String aggregateId, int seq, String extra) {
        return "{\"eventId\":\"" + eventId + "\",\"aggregate\":\"" + aggregateId + "\",\"seq\":" + seq
                + (extra == null ? "" : "," + extra) + "}";
    }

    public static UUID eventId(String json) {
        return UUID.fromString(group(EVENT_ID, json));
    }

    public static String aggregate(String json) {
        return group(AGGREGATE, json);
    }

    public static int seq(String json) {
        return Integer.parseInt(group(SEQ, json));
    }

    private static String group(Pattern p, String json) {
        Matcher m = p.matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("not a fault-injection payload: " + json);
        }
        return m.group(1);
    }
}
