package dev.postbox.inbox.internal.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.Idempotent;
import dev.postbox.inbox.InvalidMessageException;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.http.HttpExchange;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The stored key of an HTTP record and {@code postbox.inbox.http.key-per-principal}, without a container. */
class CallerKeyTest {

    private static final Jsonb JSONB = JsonbBuilder.create();

    @Path("/orders")
    public static class Orders {
        @POST
        @Idempotent(scope = "orders")
        public String create(Map<String, Object> order) {
            return "ok";
        }

        @Idempotent(scope = "listener", key = "#0")
        public void on(String id) {
        }
    }

    @Test
    void anAuthenticatedCallersKeyIsPrefixedWithTheHashOfTheirNameNeverTheName() {
        String key = method("create", true).invocation(new Object[] {Map.of("n", 1)}, http("k", "alice@example.org"),
                () -> null).key();

        assertThat(key).isEqualTo(IdempotentMethod.callerTag("alice@example.org") + "k")
                .matches("p:[0-9a-f]{32}:k").doesNotContain("alice");
        assertThat(IdempotentMethod.callerTag("bob")).isNotEqualTo(IdempotentMethod.callerTag("alice@example.org"));
    }

    @Test
    void withTheFlagOffTheKeyIsTheHeaderAsBefore() {
        String key = method("create", false).invocation(new Object[] {Map.of("n", 1)}, http("k", "alice"),
                () -> null).key();

        assertThat(key).isEqualTo("k");
    }

    @Test
    void anonymousRequestsAndMethodsOutsideHttpKeepTheirKey() {
        assertThat(method("create", true).invocation(new Object[] {Map.of("n", 1)}, http("k", null), () -> null)
                .key()).isEqualTo("k");
        assertThat(method("on", true).invocation(new Object[] {"id-1"}, http("k", "alice"), () -> null).key())
                .isEqualTo("id-1");
    }

    @Test
    void aCallersKeyMustLeaveRoomForTheTagInTheColumn() {
        IdempotentMethod create = method("create", true);
        String fits = "x".repeat(512 - IdempotentMethod.CALLER_TAG_LENGTH);
        assertThat(create.invocation(new Object[] {Map.of("n", 1)}, http(fits, "alice"), () -> null).key())
                .hasSize(512);

        assertThatThrownBy(() -> create.invocation(new Object[] {Map.of("n", 1)}, http(fits + "x", "alice"),
                () -> null))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("longer than 477 characters")
                .hasMessageContaining("postbox.inbox.http.key-per-principal");
        // the anonymous limit stays the column's
        assertThat(create.invocation(new Object[] {Map.of("n", 1)}, http(fits + "x", null), () -> null).key())
                .hasSize(513 - IdempotentMethod.CALLER_TAG_LENGTH);
    }

    private static IdempotentMethod method(String name, boolean keyPerPrincipal) {
        Method method = java.util.Arrays.stream(Orders.class.getMethods()).filter(m -> m.getName().equals(name))
                .findFirst().orElseThrow();
        MethodPlan plan = MethodPlan.analyze(Orders.class, method, method.getAnnotation(Idempotent.class));
        InboxConfig config = InboxConfig.from(key -> key.equals("postbox.inbox.http.key-per-principal")
                ? Optional.of(Boolean.toString(keyPerPrincipal)) : Optional.empty());
        return new IdempotentMethod(plan, config, JSONB, null);
    }

    private static HttpExchange http(String key, String user) {
        Principal principal = user == null ? null : () -> user;
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(CallerKeyTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> "Idempotency-Key".equalsIgnoreCase((String) args[0]) ? key : null;
                    case "getUserPrincipal" -> principal;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new HttpExchange(request, null);
    }
}
