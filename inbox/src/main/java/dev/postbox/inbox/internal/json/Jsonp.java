package dev.postbox.inbox.internal.json;

import jakarta.json.spi.JsonProvider;

/**
 * The JSON-P provider, looked up once. The static {@code jakarta.json.Json} factories run a ServiceLoader lookup on
 * every call, which measured at about a millisecond each and dominated the cost of a first delivery.
 */
public final class Jsonp {

    private Jsonp() {
    }

    private static final class Holder {
        static final JsonProvider PROVIDER = JsonProvider.provider();
    }

    public static JsonProvider provider() {
        return Holder.PROVIDER;
    }
}
