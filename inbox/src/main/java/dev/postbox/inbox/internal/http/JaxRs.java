package dev.postbox.inbox.internal.http;

import dev.postbox.inbox.InboxException;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.ScopeUnavailableException;
import dev.postbox.inbox.internal.store.StoredResult;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.lang.reflect.Method;

/** JAX-RS answers of the inbox: problem+json bodies for its typed exceptions, the replay header. */
public final class JaxRs {

    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    public static final String PROBLEM_JSON = "application/problem+json";

    private JaxRs() {
    }

    /** The HTTP answer for an inbox exception inside a resource method. */
    public static WebApplicationException toWebApplicationException(InboxException e) {
        Response.ResponseBuilder response = Response.status(e.httpStatus()).type(PROBLEM_JSON)
                .entity(problem(e.httpStatus(), title(e), e.getMessage()));
        if (e instanceof ProcessingDeferredException deferred) {
            response.header("Retry-After", retryAfterSeconds(deferred.nextAttemptAt()));
        }
        if (e instanceof ScopeUnavailableException unavailable) {
            response.header("Retry-After", retryAfterSeconds(unavailable.retryAt()));
        }
        if (e.httpStatus() == 409) {
            response.header("Retry-After", 1);
        }
        return new WebApplicationException(e.getMessage(), e, response.build());
    }

    /**
     * The answer of a first delivery. A {@link Response} whose entity is an object goes out with the stored JSON
     * text as its entity instead: the server would otherwise write the object with its own JSON provider (RESTEasy
     * on WildFly uses Jackson), and a replay, which writes the stored text, would then differ from what the client
     * first received (member order, dates, nulls). With the stored text on both, the first answer and every replay
     * are the same bytes, with the same status and Content-Type, on every server.
     */
    public static Object firstAnswer(Object value, StoredResult stored, Method method) {
        if (exactBody(stored, false, method)) {
            return value; // IdempotentResponseFilter writes the stored bytes
        }
        if (value instanceof Response response && response.hasEntity() && !(response.getEntity() instanceof String)
                && stored != null && stored.body() != null && StoredResult.JSON.equals(stored.format())) {
            Response.ResponseBuilder answer = Response.fromResponse(response).entity(stored.body());
            String type = stored.headers().get(HttpHeaders.CONTENT_TYPE);
            if (type != null) {
                answer.type(type);
            }
            return answer.build();
        }
        return value;
    }

    /** The stored answer of a replayed duplicate, marked as such. */
    public static Object markReplayed(Object value, StoredResult stored, HttpExchange http,
            Method method) {
        if (exactBody(stored, true, method)) {
            return value; // IdempotentResponseFilter writes the stored bytes and the header
        }
        if (value instanceof Response response) {
            return Response.fromResponse(response).header(REPLAYED_HEADER, "true").build();
        }
        if (http != null && http.response() != null && !http.response().isCommitted()) {
            http.response().setHeader(REPLAYED_HEADER, "true");
        }
        return value;
    }

    /**
     * Hands a stored {@link StoredResult#BODY} to {@link IdempotentResponseFilter} to write as the response body;
     * false when there is none, or no filter in this request.
     */
    private static boolean exactBody(StoredResult stored, boolean replayed, Method method) {
        JaxRsExchange exchange = JaxRsExchange.serving(method);
        if (stored == null || !StoredResult.BODY.equals(stored.format()) || exchange == null) {
            return false;
        }
        exchange.answer(stored, replayed);
        return true;
    }

    static long retryAfterSeconds(Instant next) {
        if (next == null) {
            return 1;
        }
        long seconds = Duration.between(Instant.now(), next).toSeconds() + 1;
        return Math.max(1, seconds);
    }

    private static String title(InboxException e) {
        return switch (e.httpStatus()) {
            case 202 -> "Processing deferred";
            case 400 -> "Invalid idempotent request";
            case 409 -> "Request in progress";
            case 413 -> "Payload too large";
            case 422 -> "Idempotency key reused with a different payload";
            case 503 -> "Scope paused to spare its API";
            default -> "Processing failed";
        };
    }

    /** RFC 9457 problem details, written by hand: no JSON provider needed for a few strings. */
    static String problem(int status, String title, String detail) {
        return problem(status, title, detail, java.util.Map.of());
    }

    /** Problem details with extension members (RFC 9457 section 3.2), in the map's order. */
    static String problem(int status, String title, String detail, java.util.Map<String, String> members) {
        StringBuilder json = new StringBuilder("{\"type\":\"about:blank\",\"title\":").append(quote(title))
                .append(",\"status\":").append(status).append(",\"detail\":").append(quote(detail));
        members.forEach((name, value) -> json.append(',').append(quote(name)).append(':').append(quote(value)));
        return json.append('}').toString();
    }

    private static String quote(String s) {
        var builder = dev.postbox.common.internal.Jsonp.provider().createArrayBuilder().add(s == null ? "" : s).build().toString();
        return builder.substring(1, builder.length() - 1);
    }
}
