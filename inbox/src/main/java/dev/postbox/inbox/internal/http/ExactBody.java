package dev.postbox.inbox.internal.http;

import dev.postbox.inbox.internal.store.StoredResult;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP body of a POJO result as the server's own JAX-RS writer makes it (RESTEasy's Jackson on WildFly, Yasson
 * on Payara and Liberty), stored as {@link StoredResult#BODY}: the text of those bytes in the Content-Type's charset
 * (UTF-8 unless it names another), which {@link #bytes} turns back into the same bytes. The first answer and every
 * replay are then written from the stored form by {@link IdempotentResponseFilter}.
 */
public final class ExactBody {

    private ExactBody() {
    }

    /**
     * The stored body of {@code entity}, or null when it cannot be made exactly: no media type both sides accept, no
     * writer for it, or bytes that are not text in the charset (the caller then stores JSON-B JSON as before).
     *
     * @throws UncheckedIOException when the writer fails (the server could not have written the answer either)
     */
    public static StoredResult write(Object entity, JaxRsExchange exchange) {
        Method method = exchange.resourceMethod();
        MediaType type = choose(produced(method), exchange.acceptable());
        if (type == null) {
            return null;
        }
        Class<?> rawType = entity.getClass();
        Type genericType = method == null || method.getReturnType() == Object.class ? rawType
                : method.getGenericReturnType();
        Annotation[] annotations = method == null ? new Annotation[0] : method.getAnnotations();
        @SuppressWarnings("unchecked")
        MessageBodyWriter<Object> writer = (MessageBodyWriter<Object>) exchange.providers()
                .getMessageBodyWriter(rawType, genericType, annotations, type);
        if (writer == null) {
            return null;
        }
        MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();
        headers.putSingle(HttpHeaders.CONTENT_TYPE, type);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.writeTo(entity, rawType, genericType, annotations, type, headers, out);
        } catch (IOException e) {
            throw new UncheckedIOException("the server's " + writer.getClass().getName() + " cannot write "
                    + rawType.getName() + " as " + type + ": " + e.getMessage(), e);
        }
        Object written = headers.getFirst(HttpHeaders.CONTENT_TYPE);
        String contentType = written == null ? type.toString() : written.toString();
        String text = text(out.toByteArray(), charset(contentType));
        if (text == null) {
            return null;
        }
        Map<String, String> stored = new LinkedHashMap<>();
        stored.put(HttpHeaders.CONTENT_TYPE, contentType);
        return new StoredResult(text, StoredResult.BODY, 200, stored);
    }

    /** The bytes of a stored {@link StoredResult#BODY}: exactly those the writer made. */
    public static byte[] bytes(StoredResult stored) {
        return stored.body() == null ? new byte[0]
                : stored.body().getBytes(charset(stored.headers().get(HttpHeaders.CONTENT_TYPE)));
    }

    /**
     * The media type of the answer: the first type the client accepts (in its order of preference) that the method
     * produces, the more specific of the two; {@code application/json} where both are wildcards (the type a POJO
     * is written as by every server's JSON provider); null when none matches.
     */
    static MediaType choose(List<MediaType> produced, List<MediaType> acceptable) {
        List<MediaType> accepts = acceptable.isEmpty() ? List.of(MediaType.WILDCARD_TYPE) : acceptable;
        for (MediaType accept : accepts) {
            if ("0".equals(accept.getParameters().get("q")) || "0.0".equals(accept.getParameters().get("q"))) {
                continue;
            }
            for (MediaType produce : produced) {
                if (produce.isCompatible(accept)) {
                    MediaType chosen = specific(produce, accept);
                    if (chosen.isWildcardType() || chosen.isWildcardSubtype()) {
                        return MediaType.APPLICATION_JSON_TYPE.isCompatible(chosen) ? MediaType.APPLICATION_JSON_TYPE
                                : null;
                    }
                    return chosen;
                }
            }
        }
        return null;
    }

    /** The method's @Produces, else its class's, else any type. */
    static List<MediaType> produced(Method method) {
        Produces produces = method == null ? null : method.getAnnotation(Produces.class);
        if (produces == null && method != null) {
            produces = method.getDeclaringClass().getAnnotation(Produces.class);
        }
        if (produces == null) {
            return List.of(MediaType.WILDCARD_TYPE);
        }
        List<MediaType> types = new ArrayList<>();
        for (String value : produces.value()) {
            for (String one : value.split(",")) {
                types.add(MediaType.valueOf(one.trim()));
            }
        }
        return types;
    }

    private static MediaType specific(MediaType produce, MediaType accept) {
        MediaType base = produce.isWildcardType() || (produce.isWildcardSubtype() && !accept.isWildcardSubtype())
                ? accept : produce;
        Map<String, String> parameters = new LinkedHashMap<>(base.getParameters());
        parameters.remove("q");
        return new MediaType(base.getType(), base.getSubtype(), parameters);
    }

    static Charset charset(String contentType) {
        if (contentType != null) {
            try {
                String name = MediaType.valueOf(contentType).getParameters().get(MediaType.CHARSET_PARAMETER);
                if (name != null) {
                    return Charset.forName(name);
                }
            } catch (IllegalArgumentException e) {
                // an unreadable Content-Type or an unknown charset: JSON's own encoding
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** The bytes as text, or null when they are not valid text in the charset (they would not come back equal). */
    private static String text(byte[] bytes, Charset charset) {
        try {
            String text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return java.util.Arrays.equals(text.getBytes(charset), bytes) && text.indexOf('\0') < 0 ? text : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
