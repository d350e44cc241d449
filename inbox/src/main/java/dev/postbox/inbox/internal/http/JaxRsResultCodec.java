package dev.postbox.inbox.internal.http;

import dev.postbox.inbox.internal.engine.DefiniteFailure;
import dev.postbox.inbox.internal.engine.JsonResultCodec;
import dev.postbox.inbox.internal.store.StoredResult;
import jakarta.json.bind.Jsonb;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Results of JAX-RS resource methods: a {@link Response} is stored as status, Content-Type/Location and body; a
 * POJO as the bytes the server's own writer makes of it ({@link ExactBody}, when {@link IdempotentResponseFilter}
 * runs in the application) or else as JSON-B JSON, with status 200; a {@link WebApplicationException} with a 4xx
 * status is an answer too (stored, and rethrown to duplicates), not a failure to retry; so is a failure that no retry
 * can fix (a data error, an integrity violation, a binding error: 422, see {@link #definiteAnswer}).
 */
public final class JaxRsResultCodec extends JsonResultCodec {

    private static final int UNPROCESSABLE = 422;

    private final boolean returnsResponse;
    private final Method method;

    /** @param method the resource method, whose request alone this codec answers with exact bytes (null: any) */
    public JaxRsResultCodec(Jsonb jsonb, Type returnType, boolean returnsResponse, Method method) {
        super(jsonb, returnType);
        this.returnsResponse = returnsResponse;
        this.method = method;
    }

    @Override
    public StoredResult encode(Object result) {
        if (result instanceof Response response) {
            return encodeResponse(response, StoredResult.JSON);
        }
        JaxRsExchange exchange = JaxRsExchange.serving(method);
        if (result != null && !returnsResponse && exchange != null) {
            StoredResult exact = ExactBody.write(result, exchange);
            if (exact != null) {
                return exact;
            }
        }
        StoredResult json = super.encode(result);
        return new StoredResult(json.body(), json.format(), result == null ? 204 : 200, null);
    }

    @Override
    public Object decode(StoredResult stored) {
        if (StoredResult.ERROR.equals(stored.format())) {
            throw new WebApplicationException(toResponse(stored).header(JaxRs.REPLAYED_HEADER, "true").build());
        }
        if (returnsResponse) {
            return toResponse(stored).build();
        }
        if (StoredResult.BODY.equals(stored.format())) {
            return exactBodyValue(stored);
        }
        return super.decode(stored);
    }

    @Override
    public StoredResult answerFor(Throwable failure) {
        if (failure instanceof WebApplicationException wae && wae.getResponse() != null) {
            int status = wae.getResponse().getStatus();
            if (status >= 400 && status < 500) {
                return encodeResponse(wae.getResponse(), StoredResult.ERROR);
            }
        }
        return null;
    }

    /**
     * 422 Unprocessable Content with an RFC 9457 problem body that names the class of the failure (and the
     * SQLState of a database error) but not its message: a database error's text may quote the offending values,
     * and this body is stored and sent to every duplicate. Not 409 for a unique violation: Postbox answers 409 with
     * Retry-After to a duplicate in progress, and clients retry on it.
     */
    @Override
    public StoredResult definiteAnswer(DefiniteFailure failure) {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("failure", failure.kind().code());
        if (failure.sqlState() != null) {
            members.put("sqlState", failure.sqlState());
        }
        String cause = failure.sqlState() != null ? " (SQLState " + failure.sqlState() + ")"
                : failure.httpStatus() != 0 ? " (HTTP " + failure.httpStatus() + " from a call it made)" : "";
        String detail = "the request failed with a " + failure.kind().title() + cause
                + " that no retry can fix; the same request gets this answer again";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HttpHeaders.CONTENT_TYPE, JaxRs.PROBLEM_JSON);
        return new StoredResult(JaxRs.problem(UNPROCESSABLE, "Request cannot be processed", detail, members),
                StoredResult.ERROR, UNPROCESSABLE, headers);
    }

    @Override
    public Exception definiteAnswerFailure(StoredResult answer) {
        return new WebApplicationException("HTTP " + answer.httpStatus() + ": " + answer.body(),
                toResponse(answer).build());
    }

    /**
     * What a replayed POJO method returns for a stored {@link StoredResult#BODY}: nothing inside a JAX-RS request,
     * where {@link IdempotentResponseFilter} writes the stored bytes as the body; outside one (the resource bean
     * called directly) the body read back with JSON-B, which works when the server wrote it as JSON-B would.
     */
    private Object exactBodyValue(StoredResult stored) {
        if (JaxRsExchange.serving(method) != null) {
            return primitiveZero(type());
        }
        try {
            return super.decode(stored);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the stored answer (" + stored.headers().get(HttpHeaders.CONTENT_TYPE)
                    + ", written by the server's JAX-RS provider) cannot be read back as " + type().getTypeName()
                    + " with JSON-B outside a JAX-RS request: call the resource method through HTTP to get the"
                    + " stored answer", e);
        }
    }

    private static Object primitiveZero(Type type) {
        if (!(type instanceof Class<?> c) || !c.isPrimitive()) {
            return null;
        }
        return java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(c, 1), 0);
    }

    private StoredResult encodeResponse(Response response, String format) {
        Map<String, String> headers = new LinkedHashMap<>();
        Object type = response.getMetadata().getFirst(HttpHeaders.CONTENT_TYPE);
        if (type != null) {
            headers.put(HttpHeaders.CONTENT_TYPE, type.toString());
        }
        Object location = response.getMetadata().getFirst(HttpHeaders.LOCATION);
        if (location != null) {
            headers.put(HttpHeaders.LOCATION, location.toString());
        }
        Object entity = response.hasEntity() ? response.getEntity() : null;
        String body;
        String bodyFormat;
        if (entity == null) {
            body = null;
            bodyFormat = StoredResult.NONE;
        } else if (entity instanceof String text) {
            body = text;
            bodyFormat = StoredResult.TEXT;
        } else {
            body = jsonb().toJson(entity);
            bodyFormat = StoredResult.JSON;
            headers.putIfAbsent(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
        return new StoredResult(body, format.equals(StoredResult.ERROR) ? StoredResult.ERROR : bodyFormat,
                response.getStatus(), headers);
    }

    private static Response.ResponseBuilder toResponse(StoredResult stored) {
        Response.ResponseBuilder builder = Response.status(stored.httpStatus() == null ? 200 : stored.httpStatus());
        stored.headers().forEach(builder::header);
        if (stored.body() != null) {
            // the stored JSON or text is exactly the body that was sent; hand it back as such
            builder.entity(stored.body());
        }
        return builder;
    }
}
