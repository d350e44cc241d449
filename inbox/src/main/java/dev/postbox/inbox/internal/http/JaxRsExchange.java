package dev.postbox.inbox.internal.http;

import dev.postbox.inbox.internal.store.StoredResult;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Providers;
import java.lang.reflect.Method;
import java.util.List;

/**
 * The JAX-RS side of the current request, kept by {@link IdempotentResponseFilter} while the resource method runs:
 * the server's providers (to write a POJO result with the server's own {@link jakarta.ws.rs.ext.MessageBodyWriter}),
 * the resource method and the media types the client accepts. Absent when the filter is not registered in the
 * application; POJO results are then stored as JSON-B JSON, as before.
 *
 * <p>After the method returns, {@link #answer} holds the stored answer the filter writes as the response body, on a
 * first delivery as on a replay, so that both are the same bytes.
 */
public final class JaxRsExchange {

    private static final ThreadLocal<JaxRsExchange> CURRENT = new ThreadLocal<>();

    private final Providers providers;
    private final Method resourceMethod;
    private final List<MediaType> acceptable;
    private StoredResult answer;
    private boolean replayed;

    public JaxRsExchange(Providers providers, Method resourceMethod, List<MediaType> acceptable) {
        this.providers = providers;
        this.resourceMethod = resourceMethod;
        this.acceptable = acceptable == null ? List.of() : List.copyOf(acceptable);
    }

    /** The exchange of the current JAX-RS request, or null when the filter did not run. */
    public static JaxRsExchange current() {
        return CURRENT.get();
    }

    /**
     * The exchange of the current JAX-RS request when {@code method} is its resource method, else null: an
     * {@code @Idempotent} resource method called from another resource method does not answer the request.
     * Compared by name and parameter types: the intercepted method may be declared by a subclass or proxy.
     */
    public static JaxRsExchange serving(Method method) {
        JaxRsExchange exchange = CURRENT.get();
        if (exchange == null || method == null) {
            return exchange;
        }
        Method resource = exchange.resourceMethod;
        return resource == null || (resource.getName().equals(method.getName())
                && java.util.Arrays.equals(resource.getParameterTypes(), method.getParameterTypes())) ? exchange : null;
    }

    static void set(JaxRsExchange exchange) {
        CURRENT.set(exchange);
    }

    static void clear() {
        CURRENT.remove();
    }

    /** Runs {@code work} with {@code exchange} as the current one (tests). */
    public static <T> T with(JaxRsExchange exchange, java.util.concurrent.Callable<T> work) throws Exception {
        JaxRsExchange previous = CURRENT.get();
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

    public Providers providers() {
        return providers;
    }

    public Method resourceMethod() {
        return resourceMethod;
    }

    public List<MediaType> acceptable() {
        return acceptable;
    }

    /** Makes {@code stored} the body of this request's response; {@code replayed} adds Idempotent-Replayed. */
    public void answer(StoredResult stored, boolean replayed) {
        this.answer = stored;
        this.replayed = replayed;
    }

    public StoredResult answer() {
        return answer;
    }

    public boolean replayed() {
        return replayed;
    }
}
