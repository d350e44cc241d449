package dev.postbox.inbox.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.internal.InboxDatabase;
import dev.postbox.inbox.internal.cdi.InboxExtension;
import dev.postbox.inbox.internal.http.HttpExchange;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * JAX-RS resource methods: Idempotency-Key header, replayed answers with Idempotent-Replayed, HTTP statuses for
 * the inbox's exceptions. The servlet request/response are stand-ins; the real server is covered in it-tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractJaxRsIdempotencyTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();

    private static WeldContainer container;
    private static PaymentResource resource;
    private static InboxHistory history;

    @BeforeAll
    void start() {
        TestEnvironment.database = InboxDatabase.create(product(), "inbox_jaxrs");
        container = new Weld("inbox-jaxrs-test").disableDiscovery().addExtension(new InboxExtension())
                .addBeanClasses(TestEnvironment.class, PaymentResource.class).initialize();
        resource = container.select(PaymentResource.class).get();
        history = container.select(InboxHistory.class).get();
    }

    @AfterAll
    static void stop() {
        if (container != null) {
            container.shutdown();
        }
    }

    @Test
    void aDuplicateGetsTheSameStatusAndBodyMarkedAsReplayed() throws Exception {
        PaymentEvent payment = new PaymentEvent("p-1", 900);
        Response first = call(Map.of("Idempotency-Key", "k-1"), new HashMap<>(), () -> resource.create(payment));
        Response second = call(Map.of("Idempotency-Key", "k-1"), new HashMap<>(), () -> resource.create(payment));

        assertThat(first.getStatus()).isEqualTo(201);
        assertThat(first.getHeaderString("Idempotent-Replayed")).isNull();
        assertThat(second.getStatus()).isEqualTo(201);
        assertThat(second.getHeaderString("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.getHeaderString("Location")).isEqualTo("/payments/p-1");
        assertThat(second.getHeaderString("Content-Type")).isEqualTo("application/json");
        // the body bytes are the JSON-B form of the first answer's entity (a Map here, so any member order)
        assertThat(dev.postbox.inbox.internal.json.CanonicalJson.canonicalize((String) second.getEntity()))
                .isEqualTo("{\"id\":\"p-1\",\"status\":\"captured\"}");
        assertThat(TestEnvironment.database.db.queryLong(
                "SELECT count(*) FROM effect WHERE scope = 'http' AND key = 'p-1'")).isEqualTo(1);
        assertThat(history.find("PaymentResource#create", "k-1").orElseThrow().httpStatus()).isEqualTo(201);
    }

    @Test
    void theFirstAnswerIsTheStoredTextSoEveryReplayIsTheSameBytes() throws Exception {
        // the server's own JSON provider never writes the entity object: first answer and replays carry the same text
        PaymentEvent payment = new PaymentEvent("p-6", 600);
        Response first = call(Map.of("Idempotency-Key", "k-6"), new HashMap<>(), () -> resource.create(payment));
        Response second = call(Map.of("Idempotency-Key", "k-6"), new HashMap<>(), () -> resource.create(payment));

        assertThat(first.getEntity()).isInstanceOf(String.class);
        assertThat(second.getEntity()).isEqualTo(first.getEntity());
        assertThat(((String) first.getEntity()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(((String) second.getEntity()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(first.getStatus()).isEqualTo(201);
        assertThat(first.getHeaderString("Content-Type")).isEqualTo(second.getHeaderString("Content-Type"))
                .isEqualTo("application/json");
        assertThat(first.getHeaderString("Location")).isEqualTo(second.getHeaderString("Location"));
        assertThat(history.find("PaymentResource#create", "k-6").orElseThrow().httpStatus()).isEqualTo(201);
    }

    @Test
    void inboxErrorsBecomeHttpProblems() {
        PaymentEvent payment = new PaymentEvent("p-2", 100);
        assertStatus(() -> call(Map.of(), new HashMap<>(), () -> resource.create(payment)), 400,
                "Idempotency-Key");
        call(Map.of("Idempotency-Key", "k-2"), new HashMap<>(), () -> resource.create(payment));
        assertStatus(() -> call(Map.of("Idempotency-Key", "k-2"), new HashMap<>(),
                () -> resource.create(new PaymentEvent("p-2", 101))), 422, "different payload");
        assertThat(TestEnvironment.database.db.queryLong(
                "SELECT count(*) FROM effect WHERE scope = 'http' AND key = 'p-2'")).isEqualTo(1);
    }

    @Test
    void aPojoReplayReturnsTheStoredObjectAndSetsTheHeaderOnTheServletResponse() {
        PaymentEvent payment = new PaymentEvent("p-3", 5);
        Map<String, String> firstHeaders = new HashMap<>();
        Map<String, String> secondHeaders = new HashMap<>();
        Map<String, Object> first = call(Map.of("Idempotency-Key", "k-3"), firstHeaders, () -> resource.receipt(payment));
        Map<String, Object> second = call(Map.of("Idempotency-Key", "k-3"), secondHeaders,
                () -> resource.receipt(payment));

        assertThat(second.get("receipt")).isEqualTo("r-p-3");
        assertThat(((Number) second.get("n")).intValue()).isEqualTo(((Number) first.get("n")).intValue());
        assertThat(firstHeaders).doesNotContainKey("Idempotent-Replayed");
        assertThat(secondHeaders).containsEntry("Idempotent-Replayed", "true");
    }

    @Test
    void aClientErrorIsAStoredAnswerNotAFailureToRetry() {
        PaymentEvent payment = new PaymentEvent("p-4", 1);
        assertStatus(() -> call(Map.of("Idempotency-Key", "k-4"), new HashMap<>(), () -> resource.rejectSmall(payment)),
                400, null);
        Throwable replay = catchWae(() -> call(Map.of("Idempotency-Key", "k-4"), new HashMap<>(),
                () -> resource.rejectSmall(payment)));
        Response response = ((WebApplicationException) replay).getResponse();
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getHeaderString("Idempotent-Replayed")).isEqualTo("true");
        assertThat((String) response.getEntity()).isEqualTo("amount 1 is below the minimum");
        assertThat(resource.calls("small")).isEqualTo(1);
        InboxRecord record = history.find("small", "k-4").orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(record.httpStatus()).isEqualTo(400);
    }

    @Test
    void aRetryableFailureAnswers202WithRetryAfter() {
        PaymentEvent payment = new PaymentEvent("p-5", 70);
        Throwable first = catchWae(() -> call(Map.of("Idempotency-Key", "k-5"), new HashMap<>(),
                () -> resource.flaky(payment)));
        Response response = ((WebApplicationException) first).getResponse();
        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(Long.parseLong(response.getHeaderString("Retry-After"))).isGreaterThanOrEqualTo(1);
        assertThat(response.getMediaType().toString()).isEqualTo("application/problem+json");
        assertThat((String) response.getEntity()).contains("\"status\":202").contains("acquirer timeout");
        // the duplicate while the retry waits: 202 again, the handler does not run
        assertStatus(() -> call(Map.of("Idempotency-Key", "k-5"), new HashMap<>(), () -> resource.flaky(payment)),
                202, null);
        assertThat(resource.calls("flaky")).isEqualTo(1);
        assertThat(history.find("flaky-http", "k-5").orElseThrow().status()).isEqualTo(InboxStatus.FAILED);
    }

    private static void assertStatus(Runnable call, int status, String detail) {
        Throwable thrown = catchWae(call::run);
        Response response = ((WebApplicationException) thrown).getResponse();
        assertThat(response.getStatus()).isEqualTo(status);
        if (detail != null) {
            assertThat(response.getMediaType().toString()).isEqualTo("application/problem+json");
            assertThat((String) response.getEntity()).contains(detail);
        }
    }

    private static Throwable catchWae(Runnable call) {
        try {
            call.run();
        } catch (WebApplicationException e) {
            return e;
        }
        throw new AssertionError("expected a WebApplicationException");
    }

    private static <T> T call(Map<String, String> requestHeaders, Map<String, String> responseHeaders,
            Callable<T> work) {
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> requestHeaders.entrySet().stream()
                            .filter(e -> e.getKey().equalsIgnoreCase((String) args[0])).map(Map.Entry::getValue)
                            .findFirst().orElse(null);
                    case "getUserPrincipal" -> null; // anonymous
                    case "toString" -> "test request";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "setHeader" -> responseHeaders.put((String) args[0], (String) args[1]);
                    case "isCommitted" -> false;
                    case "toString" -> "test response";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        try {
            return HttpExchange.with(new HttpExchange(request, response), work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ClassLoader getClassLoader() {
        return AbstractJaxRsIdempotencyTest.class.getClassLoader();
    }
}
