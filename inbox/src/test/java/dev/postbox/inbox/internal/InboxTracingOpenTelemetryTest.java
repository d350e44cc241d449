package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.common.StandardWebhooks;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.internal.trace.InboxTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With OpenTelemetry (surefire's {@code with-opentelemetry} run, an SDK exporting to memory): the inbox continues the
 * incoming trace in a span around the handler, stores the first delivery's trace context on the record, and links
 * the span of every scheduled retry and replay to it.
 */
class InboxTracingOpenTelemetryTest {

    private static final AttributeKey<String> SCOPE = AttributeKey.stringKey("postbox.inbox.scope");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("postbox.inbox.attempt");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("postbox.inbox.outcome");
    private static final AttributeKey<String> RECORD = AttributeKey.stringKey("postbox.inbox.record_id");
    private static final AttributeKey<String> TRIGGER = AttributeKey.stringKey("postbox.inbox.trigger");
    private static final String WEBHOOK_SECRET = StandardWebhooks.newSecret();

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static OpenTelemetrySdk otel;
    private static Tracer tracer;
    private static InboxDatabase database;
    private static InboxRuntime runtime;

    @BeforeAll
    static void start() {
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build()).build();
        tracer = otel.getTracer("test");
        database = InboxDatabase.create("inbox_tracing");
        runtime = database.runtime(Map.of(
                "postbox.inbox.\"flaky\".initial-delay", "PT0.001S",
                "postbox.inbox.\"flaky\".jitter", "0",
                "postbox.inbox.\"fragile\".max-attempts", "1",
                "postbox.inbox.webhooks.psp.secrets", WEBHOOK_SECRET), InboxTracing.of(otel));
    }

    @AfterAll
    static void stop() {
        runtime.close();
        otel.close();
    }

    @BeforeEach
    void clear() {
        SPANS.reset();
    }

    private static List<SpanData> inboxSpans(String scope) {
        return SPANS.getFinishedSpanItems().stream().filter(s -> scope.equals(s.getAttributes().get(SCOPE)))
                .toList();
    }

    private static String storedTraceparent(UUID id) throws Exception {
        try (var c = database.db.dataSource().getConnection();
                var ps = c.prepareStatement("SELECT traceparent FROM postbox_inbox WHERE id = ?")) {
            ps.setObject(1, id);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static String traceparent(SpanContext context) {
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }

    @Test
    void theHandlersSpanIsAChildOfTheIncomingSpanAndTheRecordKeepsItsTraceContext() throws Exception {
        runtime.inbox().register("orders", payload -> {
            // the handler runs inside the inbox's span: its own work (and outbox events) join the trace
            assertThat(Span.current().getSpanContext().isValid()).isTrue();
            return "ok";
        });
        Span incoming = tracer.spanBuilder("kafka receive").setSpanKind(SpanKind.CONSUMER).startSpan();
        UUID recordId;
        try (Scope ignored = incoming.makeCurrent()) {
            recordId = runtime.inbox().process("orders", "secret-key-1", "{\"n\":1}", String.class).recordId();
            // a duplicate gets a span too, answered from the record
            runtime.inbox().process("orders", "secret-key-1", "{\"n\":1}", String.class);
        } finally {
            incoming.end();
        }
        List<SpanData> spans = inboxSpans("orders");
        assertThat(spans).hasSize(2);
        SpanData first = spans.get(0);
        assertThat(first.getName()).isEqualTo("process orders");
        assertThat(first.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(first.getParentSpanContext().getSpanId()).isEqualTo(incoming.getSpanContext().getSpanId());
        assertThat(first.getTraceId()).isEqualTo(incoming.getSpanContext().getTraceId());
        assertThat(first.getAttributes().get(ATTEMPT)).isEqualTo(1L);
        assertThat(first.getAttributes().get(OUTCOME)).isEqualTo("completed");
        assertThat(first.getAttributes().get(RECORD)).isEqualTo(recordId.toString());
        assertThat(first.getAttributes().get(TRIGGER)).isEqualTo("delivery");
        assertThat(first.getAttributes().asMap().values()).noneMatch(v -> v.toString().contains("secret-key-1"));
        assertThat(spans.get(1).getAttributes().get(OUTCOME)).isEqualTo("duplicate");
        assertThat(spans.get(1).getAttributes().get(ATTEMPT)).isNull(); // the handler did not run

        assertThat(storedTraceparent(recordId)).isEqualTo(traceparent(first.getSpanContext()));
    }

    @Test
    void aWebhooksTraceparentHeaderIsTheParentWhenNoSpanIsCurrent() {
        runtime.inbox().register("psp", payload -> "ok");
        String parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        byte[] body = "{\"type\":\"paid\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new java.util.HashMap<>(StandardWebhooks.withSecrets(WEBHOOK_SECRET)
                .headers("msg_1", Instant.now(), body));
        headers.put("traceparent", parent);
        runtime.inbox().processWebhook("psp", headers::get, body, String.class);

        SpanData span = inboxSpans("psp").get(0);
        assertThat(span.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(span.getParentSpanContext().getSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    }

    @Test
    void aScheduledRetryStartsANewTraceLinkedToTheFirstDelivery() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        runtime.inbox().register("flaky", payload -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("downstream unavailable");
            }
            return "ok";
        });
        assertThatThrownBy(() -> runtime.inbox().process("flaky", "k1", "{\"n\":1}", String.class))
                .isInstanceOf(ProcessingDeferredException.class);
        SpanData first = inboxSpans("flaky").get(0);
        assertThat(first.getAttributes().get(OUTCOME)).isEqualTo("retry_scheduled");
        assertThat(first.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);

        database.makeDue("flaky");
        assertThat(runtime.scheduler().runDue()).isEqualTo(1);

        List<SpanData> spans = inboxSpans("flaky");
        assertThat(spans).hasSize(2);
        SpanData retry = spans.get(1);
        assertThat(retry.getAttributes().get(TRIGGER)).isEqualTo("scheduler");
        assertThat(retry.getAttributes().get(ATTEMPT)).isEqualTo(2L);
        assertThat(retry.getAttributes().get(OUTCOME)).isEqualTo("completed");
        assertThat(retry.getParentSpanContext().isValid()).isFalse(); // a trace of its own ...
        assertThat(retry.getLinks()).extracting(LinkData::getSpanContext) // ... linked to the first delivery's
                .anySatisfy(link -> {
                    assertThat(link.getTraceId()).isEqualTo(first.getTraceId());
                    assertThat(link.getSpanId()).isEqualTo(first.getSpanId());
                });
    }

    @Test
    void aReplayOfADeadRecordIsLinkedToTheOriginalTrace() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        runtime.inbox().register("fragile", payload -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("bad reference data");
            }
            return "ok";
        });
        Span incoming = tracer.spanBuilder("http post").startSpan();
        try (Scope ignored = incoming.makeCurrent()) {
            assertThatThrownBy(() -> runtime.inbox().process("fragile", "k1", "{\"n\":1}", String.class))
                    .isInstanceOf(IllegalStateException.class);
        } finally {
            incoming.end();
        }
        InboxRecord dead = runtime.history().find("fragile", "k1").orElseThrow();
        assertThat(dead.status()).isEqualTo(InboxStatus.DEAD);

        runtime.history().replay(dead.id());
        assertThat(runtime.scheduler().runDue()).isEqualTo(1);

        SpanData replayed = inboxSpans("fragile").get(1);
        assertThat(replayed.getAttributes().get(OUTCOME)).isEqualTo("completed");
        assertThat(replayed.getAttributes().get(RECORD)).isEqualTo(dead.id().toString());
        assertThat(replayed.getLinks()).extracting(link -> link.getSpanContext().getTraceId())
                .containsExactly(incoming.getSpanContext().getTraceId());
    }

    @Test
    void withoutTheTraceColumnDeliveriesAndRetriesWorkUnlinked() throws Exception {
        InboxDatabase old = InboxDatabase.createWithoutTraceColumn("inbox_tracing_old");
        try (InboxRuntime oldRuntime = old.runtime(Map.of("postbox.inbox.\"flaky\".initial-delay", "PT0.001S"),
                InboxTracing.of(otel))) {
            AtomicInteger calls = new AtomicInteger();
            oldRuntime.inbox().register("flaky", payload -> {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("once");
                }
                return "ok";
            });
            assertThatThrownBy(() -> oldRuntime.inbox().process("flaky", "k", "{}", String.class))
                    .isInstanceOf(ProcessingDeferredException.class);
            old.makeDue("flaky");
            assertThat(oldRuntime.scheduler().runDue()).isEqualTo(1);
            assertThat(oldRuntime.history().find("flaky", "k").orElseThrow().status())
                    .isEqualTo(InboxStatus.COMPLETED);
            assertThat(inboxSpans("flaky").get(1).getLinks()).isEmpty();
        }
    }
}
