package dev.postbox.inbox.internal.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The HTTP request and response of the current thread, kept by {@link PostboxHttpFilter} so the interceptor can
 * read {@code Idempotency-Key} and set {@code Idempotent-Replayed} on answers of POJO-returning resource methods.
 */
public record HttpExchange(HttpServletRequest request, HttpServletResponse response) {

    private static final ThreadLocal<HttpExchange> CURRENT = new ThreadLocal<>();

    /** The exchange of the current request, or null outside a filtered request. */
    public static HttpExchange current() {
        return CURRENT.get();
    }

    static void set(HttpExchange exchange) {
        CURRENT.set(exchange);
    }

    static void clear() {
        CURRENT.remove();
    }

    /** Runs {@code work} with {@code exchange} as the current one (tests, and callers outside servlets). */
    public static <T> T with(HttpExchange exchange, java.util.concurrent.Callable<T> work) throws Exception {
        HttpExchange previous = CURRENT.get();
        CURRENT.set(exchange);
        try {
            return work.call();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    public String header(String name) {
        return request == null ? null : request.getHeader(name);
    }

    /** The name of the request's authenticated user, or null for an anonymous request. */
    public String principalName() {
        java.security.Principal principal = request == null ? null : request.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }
}
