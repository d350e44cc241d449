package dev.postbox.it.postbox.app;

import dev.postbox.inbox.InboxAttempt;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;

/** The inbox's history of one record, as an operator would see it. */
@Path("inbox")
public class InboxHistoryResource {

    @Inject
    InboxHistory history;

    @GET
    @Path("record")
    @Produces(MediaType.APPLICATION_JSON)
    public String record(@QueryParam("scope") String scope, @QueryParam("key") String key) {
        InboxRecord record = history.find(scope, key)
                .orElseThrow(() -> new NotFoundException("no inbox record " + scope + "/" + key));
        JsonArrayBuilder attempts = Json.PROVIDER.createArrayBuilder();
        for (InboxAttempt attempt : record.history()) {
            JsonObjectBuilder a = Json.PROVIDER.createObjectBuilder().add("attempt", attempt.attempt())
                    .add("outcome", attempt.outcome()).add("startedAt", text(attempt.startedAt()))
                    .add("endedAt", text(attempt.endedAt()));
            if (attempt.error() != null) {
                a.add("error", attempt.error());
            }
            attempts.add(a);
        }
        JsonObjectBuilder json = Json.PROVIDER.createObjectBuilder().add("scope", record.scope())
                .add("key", record.key()).add("status", record.status().name()).add("attempts", record.attempts())
                .add("history", attempts);
        if (record.lastError() != null) {
            json.add("lastError", record.lastError());
        }
        return json.build().toString();
    }

    private static String text(Instant instant) {
        return instant == null ? "" : instant.toString();
    }
}
