package dev.postbox.inbox.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.IdempotentJaxRsFeature;
import dev.postbox.inbox.internal.store.StoredResult;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Providers;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * POJO results of JAX-RS methods stored as the bytes the server's own writer makes (here a writer that writes like
 * Jackson: declaration order, nulls, no JSON-B annotations), and written back unchanged on the first answer and on
 * every replay.
 */
class ExactBodyTest {

    /** Jackson-like text: not what JSON-B writes for the same object (members sorted, null left out). */
    static final String JACKSON_LIKE = "{\"zone\":\"eu\",\"amount\":\"12.50\",\"note\":null,\"issued\":1767225600000}";

    private final Jsonb jsonb = JsonbBuilder.create();

    public static class Receipt {
        public String zone = "eu";
        public String amount = "12.50";
        public String note;
    }

    @Produces(MediaType.APPLICATION_JSON)
    public static class Resource {
        @POST
        public Receipt issue() {
            return new Receipt();
        }

        @POST
        @Produces({"text/plain", "application/json; charset=UTF-8"})
        public Receipt both() {
            return new Receipt();
        }
    }

    @Test
    void theMediaTypeIsTheFirstAcceptedOneTheMethodProduces() {
        List<MediaType> produced = List.of(MediaType.TEXT_PLAIN_TYPE, MediaType.APPLICATION_JSON_TYPE);
        assertThat(ExactBody.choose(produced, List.of(MediaType.valueOf("application/json"))))
                .isEqualTo(MediaType.APPLICATION_JSON_TYPE);
        assertThat(ExactBody.choose(produced, List.of(MediaType.valueOf("application/*"), MediaType.TEXT_PLAIN_TYPE)))
                .as("the client's order first").isEqualTo(MediaType.APPLICATION_JSON_TYPE);
        assertThat(ExactBody.choose(produced, List.of())).as("no Accept: the method's first")
                .isEqualTo(MediaType.TEXT_PLAIN_TYPE);
        assertThat(ExactBody.choose(List.of(MediaType.WILDCARD_TYPE), List.of(MediaType.WILDCARD_TYPE)))
                .as("both wildcards: JSON").isEqualTo(MediaType.APPLICATION_JSON_TYPE);
        assertThat(ExactBody.choose(List.of(MediaType.WILDCARD_TYPE), List.of(MediaType.valueOf("application/*"))))
                .isEqualTo(MediaType.APPLICATION_JSON_TYPE);
        assertThat(ExactBody.choose(List.of(MediaType.APPLICATION_JSON_TYPE), List.of(MediaType.TEXT_XML_TYPE)))
                .as("nothing in common").isNull();
    }

    @Test
    void producesComesFromTheMethodElseItsClass() throws Exception {
        assertThat(ExactBody.produced(Resource.class.getMethod("issue"))).containsExactly(
                MediaType.APPLICATION_JSON_TYPE);
        assertThat(ExactBody.produced(Resource.class.getMethod("both"))).containsExactly(MediaType.TEXT_PLAIN_TYPE,
                MediaType.valueOf("application/json; charset=UTF-8"));
        assertThat(ExactBody.produced(Object.class.getMethod("toString"))).containsExactly(MediaType.WILDCARD_TYPE);
    }

    @Test
    void aPojoResultIsStoredAsTheServersWriterWroteIt() throws Exception {
        List<String> asked = new ArrayList<>();
        JaxRsExchange exchange = exchange(writer(JACKSON_LIKE, asked), "issue");
        JaxRsResultCodec codec = new JaxRsResultCodec(jsonb, Receipt.class, false, issue());

        StoredResult stored = JaxRsExchange.with(exchange, () -> codec.encode(new Receipt()));

        assertThat(stored.format()).isEqualTo(StoredResult.BODY);
        assertThat(stored.body()).isEqualTo(JACKSON_LIKE).isNotEqualTo(jsonb.toJson(new Receipt()));
        assertThat(stored.httpStatus()).isEqualTo(200);
        assertThat(stored.headers()).containsEntry(HttpHeaders.CONTENT_TYPE, "application/json");
        assertThat(asked).containsExactly("Receipt application/json @POST");
        assertThat(ExactBody.bytes(stored)).isEqualTo(JACKSON_LIKE.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theWritersBytesComeBackUnchangedInTheCharsetItNamedAndBytesThatAreNoTextAreNotStored() throws Exception {
        byte[] utf8 = "{\"zone\":\"Zürich ☃\"}".getBytes(StandardCharsets.UTF_8);
        JaxRsExchange labelled = exchange(writerWithType(utf8, "application/json;charset=ISO-8859-15"), "issue");
        StoredResult latin = ExactBody.write(new Receipt(), labelled);
        assertThat(latin.headers()).containsEntry(HttpHeaders.CONTENT_TYPE, "application/json;charset=ISO-8859-15");
        assertThat(ExactBody.bytes(latin)).as("read and written back in the named charset").isEqualTo(utf8);

        StoredResult exact = ExactBody.write(new Receipt(), exchange(writerWithType(utf8, null), "issue"));
        assertThat(exact.body()).isEqualTo("{\"zone\":\"Zürich ☃\"}");
        assertThat(ExactBody.bytes(exact)).isEqualTo(utf8);

        byte[] invalid = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'};
        assertThat(ExactBody.write(new Receipt(), exchange(writerWithType(invalid, null), "issue")))
                .as("not UTF-8: would not come back as the same bytes").isNull();
    }

    @Test
    void withoutTheFilterAPojoIsStoredAsJsonbJsonAsBefore() throws Exception {
        JaxRsResultCodec codec = new JaxRsResultCodec(jsonb, Receipt.class, false, issue());
        StoredResult stored = codec.encode(new Receipt());
        assertThat(stored.format()).isEqualTo(StoredResult.JSON);
        assertThat(stored.body()).isEqualTo(jsonb.toJson(new Receipt()));
    }

    @Test
    void aReplayInsideJaxRsReturnsNothingAndOutsideReadsTheBodyWithJsonb() throws Exception {
        JaxRsResultCodec codec = new JaxRsResultCodec(jsonb, Receipt.class, false, issue());
        StoredResult stored = new StoredResult(JACKSON_LIKE, StoredResult.BODY, 200,
                Map.of(HttpHeaders.CONTENT_TYPE, "application/json"));

        assertThat(JaxRsExchange.with(exchange(writer("", new ArrayList<>()), "issue"), () -> codec.decode(stored)))
                .as("the filter writes the stored bytes").isNull();
        StoredResult readable = new StoredResult("{\"amount\":\"1\",\"zone\":\"x\"}", StoredResult.BODY, 200,
                Map.of(HttpHeaders.CONTENT_TYPE, "application/json"));
        assertThat(((Receipt) codec.decode(readable)).zone).isEqualTo("x");
        JaxRsResultCodec primitive = new JaxRsResultCodec(jsonb, long.class, false, issue());
        assertThat(JaxRsExchange.with(exchange(writer("", new ArrayList<>()), "issue"),
                () -> primitive.decode(stored))).isEqualTo(0L);
        StoredResult unreadable = new StoredResult("not json", StoredResult.BODY, 200,
                Map.of(HttpHeaders.CONTENT_TYPE, "application/json"));
        assertThatThrownBy(() -> codec.decode(unreadable)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot be read back as " + Receipt.class.getName())
                .hasMessageContaining("through HTTP");
    }

    @Test
    void theFirstAnswerAndTheReplayAreHandedToTheFilterWhichWritesTheStoredBytes() throws Exception {
        StoredResult stored = new StoredResult(JACKSON_LIKE, StoredResult.BODY, 200,
                Map.of(HttpHeaders.CONTENT_TYPE, "application/json"));
        Receipt value = new Receipt();
        for (boolean replayed : new boolean[] {false, true}) {
            JaxRsExchange exchange = exchange(writer("", new ArrayList<>()), "issue");
            Object returned = JaxRsExchange.with(exchange, () -> replayed
                    ? JaxRs.markReplayed(null, stored, null, issue()) : JaxRs.firstAnswer(value, stored, issue()));
            assertThat(returned).isSameAs(replayed ? null : value);
            assertThat(exchange.answer()).isSameAs(stored);

            Map<String, Object> response = new HashMap<>();
            MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();
            ContainerResponseContext context = (ContainerResponseContext) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {ContainerResponseContext.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "setStatus" -> response.put("status", args[0]);
                        case "setEntity" -> {
                            response.put("entity", args[0]);
                            response.put("type", args[2]);
                            yield null;
                        }
                        case "getHeaders" -> headers;
                        case "getEntityAnnotations" -> new Annotation[0];
                        default -> null;
                    });
            JaxRsExchange.set(exchange);
            new IdempotentResponseFilter().filter(null, context);

            assertThat(JaxRsExchange.current()).as("forgotten after the response").isNull();
            assertThat(response.get("status")).isEqualTo(200);
            assertThat((byte[]) response.get("entity")).isEqualTo(JACKSON_LIKE.getBytes(StandardCharsets.UTF_8));
            assertThat(response.get("type")).isEqualTo(MediaType.APPLICATION_JSON_TYPE);
            assertThat(headers.get(JaxRs.REPLAYED_HEADER)).isEqualTo(replayed ? List.of("true") : null);
        }
    }

    @Test
    void aJsonOrTextStoredAnswerIsNotTheFiltersBusiness() throws Exception {
        JaxRsExchange exchange = exchange(writer("", new ArrayList<>()), "issue");
        StoredResult json = StoredResult.json("{\"a\":1}");
        JaxRsExchange.with(exchange, () -> JaxRs.markReplayed(new Receipt(), json, null, issue()));
        assertThat(exchange.answer()).isNull();
    }

    @Test
    void theFeatureRegistersTheFilterOnce() {
        List<Object> registered = new ArrayList<>();
        jakarta.ws.rs.core.Configuration configuration = (jakarta.ws.rs.core.Configuration) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {jakarta.ws.rs.core.Configuration.class},
                (proxy, method, args) -> method.getName().equals("isRegistered") ? registered.contains(args[0]) : null);
        jakarta.ws.rs.core.FeatureContext context = (jakarta.ws.rs.core.FeatureContext) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {jakarta.ws.rs.core.FeatureContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("register")) {
                        registered.add(args[0]);
                    }
                    return method.getName().equals("getConfiguration") ? configuration : proxy;
                });
        assertThat(new IdempotentJaxRsFeature().configure(context)).isTrue();
        assertThat(new IdempotentJaxRsFeature().configure(context)).isTrue();
        assertThat(registered).containsExactly(IdempotentResponseFilter.class);
    }

    @Test
    void anIdempotentResourceMethodCalledFromAnotherResourceMethodDoesNotAnswerItsRequest() throws Exception {
        JaxRsExchange outer = exchange(writer(JACKSON_LIKE, new ArrayList<>()), "both");
        JaxRsResultCodec codec = new JaxRsResultCodec(jsonb, Receipt.class, false, issue());
        StoredResult stored = JaxRsExchange.with(outer, () -> codec.encode(new Receipt()));
        assertThat(stored.format()).as("JSON-B, as without the filter").isEqualTo(StoredResult.JSON);

        StoredResult body = new StoredResult(JACKSON_LIKE, StoredResult.BODY, 200,
                Map.of(HttpHeaders.CONTENT_TYPE, "application/json"));
        JaxRsExchange.with(outer, () -> JaxRs.markReplayed(null, body, null, issue()));
        assertThat(outer.answer()).isNull();
        assertThat(JaxRsExchange.with(outer, () -> JaxRsExchange.serving(Resource.class.getMethod("both"))))
                .isSameAs(outer);
    }

    private static Method issue() {
        try {
            return Resource.class.getMethod("issue");
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static JaxRsExchange exchange(MessageBodyWriter<?> writer, String method) throws Exception {
        Providers providers = (Providers) Proxy.newProxyInstance(ExactBodyTest.class.getClassLoader(),
                new Class<?>[] {Providers.class},
                (proxy, m, args) -> m.getName().equals("getMessageBodyWriter") ? writer : null);
        Method resourceMethod = Resource.class.getMethod(method);
        return new JaxRsExchange(providers, resourceMethod, List.of(MediaType.valueOf("application/json")));
    }

    private static MessageBodyWriter<Object> writer(String text, List<String> asked) {
        return new MessageBodyWriter<>() {
            @Override
            public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
                return true;
            }

            @Override
            public void writeTo(Object o, Class<?> type, Type genericType, Annotation[] annotations,
                    MediaType mediaType, MultivaluedMap<String, Object> httpHeaders, OutputStream out)
                    throws java.io.IOException {
                StringBuilder names = new StringBuilder();
                for (Annotation a : annotations) {
                    names.append(" @").append(a.annotationType().getSimpleName());
                }
                asked.add(type.getSimpleName() + " " + mediaType + names);
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    private static MessageBodyWriter<Object> writerWithType(byte[] bytes, String contentType) {
        return new MessageBodyWriter<>() {
            @Override
            public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
                return true;
            }

            @Override
            public void writeTo(Object o, Class<?> type, Type genericType, Annotation[] annotations,
                    MediaType mediaType, MultivaluedMap<String, Object> httpHeaders, OutputStream out)
                    throws java.io.IOException {
                if (contentType != null) {
                    httpHeaders.putSingle(HttpHeaders.CONTENT_TYPE, contentType);
                }
                out.write(bytes);
            }
        };
    }
}
