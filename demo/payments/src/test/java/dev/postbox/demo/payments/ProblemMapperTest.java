package dev.postbox.demo.payments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.demo.payments.account.AccountResource.DepositRequest;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

/** Bad bodies bound by the real JSON-B (Yasson, as on Payara) and the answers the mapper makes of the failure. */
class ProblemMapperTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private final ProblemMapper mapper = new ProblemMapper();

    @Test
    void aFieldJsonBCannotBindIs400NamingTheField() {
        // JSON-B's own message names the property: "Unable to deserialize property 'amount' because of: ..."
        Response r = mapper.toResponse(new ProcessingException("Error deserializing object from entity stream.",
                new jakarta.json.bind.JsonbException("Unable to deserialize property 'owner' because of: boom")));
        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(r.getMediaType().toString()).isEqualTo("application/problem+json");
        assertThat((String) r.getEntity()).contains("\"field\":\"owner\"").contains("field 'owner'");
    }

    @Test
    void aBodyThatIsNotTheExpectedObjectIs400SayingSo() {
        for (String body : new String[] {"{\"amount\": 12", "\"abc\"", "true", "[1,2]"}) {
            Response r = mapper.toResponse(bind(body));
            assertThat(r.getStatus()).as(body).isEqualTo(400);
            assertThat(r.getMediaType().toString()).isEqualTo("application/problem+json");
            assertThat((String) r.getEntity()).as(body).contains("Invalid request body");
        }
    }

    @Test
    void aBareClientErrorGetsAProblemBodyAndAnApplicationsOwnPassesThrough() {
        Response bare = mapper.toResponse(new NotFoundException());
        assertThat(bare.getStatus()).isEqualTo(404);
        assertThat(bare.getMediaType().toString()).isEqualTo("application/problem+json");
        assertThat((String) bare.getEntity()).contains("\"status\":404");

        Response own = mapper.toResponse(Problems.of(404, "Unknown account", "no account a-1"));
        assertThat(own.getStatus()).isEqualTo(404);
        assertThat((String) own.getEntity()).contains("\"detail\":\"no account a-1\"");
    }

    @Test
    void anUnexpectedFailureIsStill500() {
        assertThat(mapper.toResponse(new IllegalStateException("boom")).getStatus()).isEqualTo(500);
        assertThat(mapper.toResponse(new ProcessingException("connection refused")).getStatus()).isEqualTo(500);
    }

    /** What JAX-RS's JSON-B reader throws for a body it cannot bind (Jersey: a ProcessingException around it). */
    private static RuntimeException bind(String body) {
        try {
            JSONB.fromJson(body, DepositRequest.class);
        } catch (RuntimeException e) {
            return new ProcessingException("Error deserializing object from entity stream.", e);
        }
        throw new AssertionError("JSON-B bound " + body);
    }
}
