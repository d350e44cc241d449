package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.inbox.internal.http.HttpExchange;
import dev.postbox.inbox.internal.http.PostboxHttpFilter;
import dev.postbox.inbox.internal.http.PostboxServletContainerInitializer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The servlet side of the JAX-RS support: found by the container, registered on /*, request kept per thread. */
class PostboxHttpFilterTest {

    @Test
    void theInitializerIsAServiceAndRegistersTheFilterOnEveryRequest() {
        assertThat(ServiceLoader.load(ServletContainerInitializer.class).stream().map(p -> (Object) p.type()))
                .contains(PostboxServletContainerInitializer.class);
        List<String> calls = new ArrayList<>();
        FilterRegistration.Dynamic registration = proxy(FilterRegistration.Dynamic.class, (name, args) -> {
            calls.add(name + (args == null ? "" : " " + java.util.Arrays.deepToString(args)));
            return null;
        });
        ServletContext context = proxy(ServletContext.class, (name, args) -> {
            if (name.equals("addFilter")) {
                calls.add("addFilter " + args[0] + " " + ((Class<?>) args[1]).getSimpleName());
                return registration;
            }
            return name.equals("getContextPath") ? "/app" : null;
        });

        new PostboxServletContainerInitializer().onStartup(Set.of(), context);

        assertThat(calls).contains("addFilter postbox-inbox-http PostboxHttpFilter", "setAsyncSupported [true]",
                "addMappingForUrlPatterns [" + EnumSet.of(DispatcherType.REQUEST) + ", false, [/*]]");
    }

    @Test
    void theFilterExposesTheExchangeDuringTheRequestOnly() throws Exception {
        HttpServletRequest request = proxy(HttpServletRequest.class,
                (name, args) -> name.equals("getHeader") && "Idempotency-Key".equals(args[0]) ? "k-9" : null);
        HttpServletResponse response = proxy(HttpServletResponse.class, (name, args) -> null);
        String[] seen = new String[1];
        FilterChain chain = (req, res) -> seen[0] = HttpExchange.current().header("Idempotency-Key");

        new PostboxHttpFilter().doFilter(request, response, chain);

        assertThat(seen[0]).isEqualTo("k-9");
        assertThat(HttpExchange.current()).isNull();
    }

    interface Handler {
        Object call(String method, Object[] args);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Handler handler) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            if (method.getName().equals("toString")) {
                return type.getSimpleName();
            }
            Object result = handler.call(method.getName(), args);
            if (result == null && method.getReturnType() == boolean.class) {
                return false;
            }
            if (result == null && method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
                return 0;
            }
            return result;
        });
    }
}
