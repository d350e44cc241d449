package dev.postbox.inbox.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.inbox.internal.InboxDatabase;
import dev.postbox.inbox.internal.cdi.InboxExtension;
import dev.postbox.inbox.internal.http.HttpExchange;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A JAX-RS {@code @Idempotent} method through the interceptor, with the application's {@code OpenTelemetry} bean
 * (as MicroProfile Telemetry provides it): the inbox's spans come from that instance (GlobalOpenTelemetry is a no-op
 * here and would export nothing), with the request's {@code traceparent} header as parent, or the server's span.
 */
class InboxCdiTracingOpenTelemetryTest {

    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    static final OpenTelemetrySdk SDK = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build()).build();

    /** What MicroProfile Telemetry offers applications: an injectable OpenTelemetry. */
    @ApplicationScoped
    public static class Telemetry {
        @Produces
        @Dependent
        OpenTelemetry openTelemetry() {
            return SDK;
        }
    }

    private static WeldContainer container;
    private static PaymentResource resource;

    @BeforeAll
    static void start() {
        TestEnvironment.database = InboxDatabase.create("inbox_cdi_tracing");
        container = new Weld("inbox-cdi-tracing-test").disableDiscovery().addExtension(new InboxExtension())
                .addBeanClasses(TestEnvironment.class, PaymentResource.class, Telemetry.class).initialize();
        resource = container.select(PaymentResource.class).get();
    }

    @AfterAll
    static void stop() {
        if (container != null) {
            container.shutdown();
        }
        SDK.close();
    }

    @BeforeEach
    void clear() {
        SPANS.reset();
    }

    private static List<SpanData> inboxSpans() {
        return SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getAttributes().get(AttributeKey.stringKey("postbox.inbox.scope")) != null).toList();
    }

    @Test
    void theRequestsTraceparentHeaderIsTheParentOfTheInboxsServerSpan() throws Exception {
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        call(Map.of("Idempotency-Key", "k-1", "traceparent", parent),
                () -> resource.create(new PaymentEvent("p-1", 5)));

        SpanData span = inboxSpans().get(0);
        assertThat(span.getName()).isEqualTo("process PaymentResource#create");
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(span.getParentSpanContext().getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("postbox.inbox.outcome"))).isEqualTo("completed");
    }

    @Test
    void underTheServersSpanOfTheSendersTraceTheInboxSpanIsAnInternalChild() throws Exception {
        String parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Span server = SDK.getTracer("server").spanBuilder("POST /payments").setSpanKind(SpanKind.SERVER)
                .setParent(Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(
                        "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", TraceFlags.getSampled(),
                        TraceState.getDefault())))).startSpan();
        try (Scope ignored = server.makeCurrent()) {
            call(Map.of("Idempotency-Key", "k-2", "traceparent", parent),
                    () -> resource.create(new PaymentEvent("p-2", 5)));
        } finally {
            server.end();
        }
        SpanData span = inboxSpans().get(0);
        assertThat(span.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(span.getParentSpanContext().getSpanId()).isEqualTo(server.getSpanContext().getSpanId());
        assertThat(span.getLinks()).isEmpty();
    }

    @Test
    void aServerSpanOfAnotherTraceIsLinkedAndTheSendersTraceGoesOn() throws Exception {
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Span server = SDK.getTracer("server").spanBuilder("POST /payments").setSpanKind(SpanKind.SERVER)
                .setNoParent().startSpan(); // a server that ignored the request's traceparent
        try (Scope ignored = server.makeCurrent()) {
            call(Map.of("Idempotency-Key", "k-3", "traceparent", parent),
                    () -> resource.create(new PaymentEvent("p-3", 5)));
        } finally {
            server.end();
        }
        SpanData span = inboxSpans().get(0);
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(span.getParentSpanContext().getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(span.getLinks()).extracting(link -> link.getSpanContext().getSpanId())
                .containsExactly(server.getSpanContext().getSpanId());
    }

    private static <T> T call(Map<String, String> requestHeaders, java.util.concurrent.Callable<T> work)
            throws Exception {
        ClassLoader loader = InboxCdiTracingOpenTelemetryTest.class.getClassLoader();
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(loader,
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> requestHeaders.entrySet().stream()
                            .filter(e -> e.getKey().equalsIgnoreCase((String) args[0])).map(Map.Entry::getValue)
                            .findFirst().orElse(null);
                    case "getUserPrincipal" -> null; // anonymous
                    case "toString" -> "test request";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(loader,
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "setHeader" -> null;
                    case "isCommitted" -> false;
                    case "toString" -> "test response";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return HttpExchange.with(new HttpExchange(request, response), work);
    }
}
