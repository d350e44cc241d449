package dev.postbox.demo.payments;

import jakarta.json.Json;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The service's error answers, all {@code application/problem+json} (RFC 9457): {@code type}, {@code title},
 * {@code status}, {@code detail}. A resource throws {@link #of}: the answer carries its body, so an
 * {@code @Idempotent} method's 4xx is stored and replayed with the application's message, not the server's error
 * page.
 */
public final class Problems {

    public static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");

    private Problems() {
    }

    /** A 4xx/5xx answer with a problem body, to throw. */
    public static WebApplicationException of(int status, String title, String detail) {
        return new WebApplicationException(detail, response(status, title, detail, null));
    }

    /** A 400 naming the offending field. */
    public static WebApplicationException badRequest(String field, String detail) {
        return new WebApplicationException(detail, response(400, "Invalid request", detail, field));
    }

    static Response response(int status, String title, String detail, String field) {
        return Response.status(status).type(PROBLEM_JSON).entity(body(status, title, detail, field)).build();
    }

    static String body(int status, String title, String detail, String field) {
        var json = Json.createObjectBuilder().add("type", "about:blank").add("title", title).add("status", status)
                .add("detail", detail == null ? "" : detail);
        if (field != null) {
            json.add("field", field);
        }
        return json.build().toString();
    }
}
