package dev.postbox.common.internal;

import jakarta.json.spi.JsonProvider;

/**
 * The JSON-P provider, looked up once for the whole of Postbox. The static {@code jakarta.json.Json} factory
 * methods run a ServiceLoader lookup on every call, which measured at about a millisecond each: it dominated the
 * cost of the inbox's first delivery and of every outbox event with headers.
 *
 * <p>The provider is the one {@link JsonProvider#provider()} finds on first use (on an application server, the
 * server's JSON-P implementation); the JSON-P API itself is {@code provided}, as in every Postbox module.
 */
public final class Jsonp {

    private Jsonp() {
    }

    private static final class Holder {
        static final JsonProvider PROVIDER = JsonProvider.provider();
    }

    /** The provider, found on first use and kept. */
    public static JsonProvider provider() {
        return Holder.PROVIDER;
    }
}
