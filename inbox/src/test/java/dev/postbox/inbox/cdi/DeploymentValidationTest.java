package dev.postbox.inbox.cdi;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.IdempotencyKey;
import dev.postbox.inbox.Idempotent;
import dev.postbox.inbox.KeySource;
import dev.postbox.inbox.internal.cdi.InboxExtension;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Misuse of {@code @Idempotent} fails the container start with the method named. */
class DeploymentValidationTest {

    private static final AtomicInteger CONTAINERS = new AtomicInteger();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "NoKey|NoKey#run()|no way to derive an idempotency key",
        "UnknownParameter|UnknownParameter#run(PaymentEvent)|unknown parameter 'evt'",
        "UnknownProperty|UnknownProperty#run(PaymentEvent)|has no readable property 'idd'",
        "TwoKeys|TwoKeys#run(String, String)|more than one @IdempotencyKey parameter",
        "HeaderOnPlainBean|HeaderOnPlainBean#run(String)|keySource = HEADER is only possible on JAX-RS",
        "HashWithoutParameters|HashWithoutParameters#run()|keySource = PAYLOAD_HASH needs at least one parameter",
        "BadDuration|BadDuration#run(String)|retention = \"7 days\" is not an ISO-8601 duration",
        "NegativeAttempts|NegativeAttempts#run(String)|maxAttempts must be at least 1",
        "ContextParameter|ContextParameter#create(String, UriInfo)|deferred retries need every parameter stored",
        "PrivateMethod|PrivateMethod#run(String)|private, static and final methods are not intercepted",
        "BadScopeConfig|BadScopeConfig#run(String)|postbox.inbox.\"BadScopeConfig#run\".max-attempts",
    })
    void misuseFailsTheDeploymentNamingTheMethod(String bean, String method, String problem) throws Exception {
        Class<?> type = Class.forName(DeploymentValidationTest.class.getName() + "$" + bean);
        Weld weld = new Weld("inbox-misuse-" + CONTAINERS.incrementAndGet()).disableDiscovery()
                .addExtension(new InboxExtension()).addBeanClasses(type);
        assertThatThrownBy(weld::initialize)
                .hasStackTraceContaining("@Idempotent on dev.postbox.inbox.cdi.DeploymentValidationTest$" + method)
                .hasStackTraceContaining(problem);
    }

    @ApplicationScoped
    public static class NoKey {
        @Idempotent
        public void run() {
        }
    }

    @ApplicationScoped
    public static class UnknownParameter {
        @Idempotent(key = "evt.id")
        public void run(PaymentEvent event) {
        }
    }

    @ApplicationScoped
    public static class UnknownProperty {
        @Idempotent(key = "event.idd")
        public void run(PaymentEvent event) {
        }
    }

    @ApplicationScoped
    public static class TwoKeys {
        @Idempotent
        public void run(@IdempotencyKey String a, @IdempotencyKey String b) {
        }
    }

    @ApplicationScoped
    public static class HeaderOnPlainBean {
        @Idempotent(keySource = KeySource.HEADER)
        public void run(String body) {
        }
    }

    @ApplicationScoped
    public static class HashWithoutParameters {
        @Idempotent(keySource = KeySource.PAYLOAD_HASH)
        public void run() {
        }
    }

    @ApplicationScoped
    public static class BadDuration {
        @Idempotent(retention = "7 days")
        public void run(String body) {
        }
    }

    @ApplicationScoped
    public static class NegativeAttempts {
        @Idempotent(maxAttempts = -1)
        public void run(String body) {
        }
    }

    @ApplicationScoped
    @Path("/orders")
    public static class ContextParameter {
        @POST
        @Idempotent
        public String create(String body, @Context UriInfo uri) {
            return body;
        }
    }

    @ApplicationScoped
    public static class PrivateMethod {
        @Idempotent
        private void run(String body) {
        }
    }

    @ApplicationScoped
    public static class BadScopeConfig {
        @Idempotent
        public void run(String body) {
        }
    }
}
