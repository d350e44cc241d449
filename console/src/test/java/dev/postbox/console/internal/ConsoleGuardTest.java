package dev.postbox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.console.internal.ConsoleGuard.Decision;
import org.junit.jupiter.api.Test;

class ConsoleGuardTest {

    private static final String OWN = "http://127.0.0.1:8080";
    private static final String TOKEN = "a1b2c3";

    private static Decision decide(String method, boolean authenticated, boolean inRole, String origin,
            String fetchSite, String token) {
        return ConsoleGuard.decide(new ConsoleGuard.Request(method, authenticated, inRole, OWN, origin, fetchSite,
                token, TOKEN));
    }

    @Test
    void anonymousRequestsAreUnauthenticatedAndUsersWithoutTheRoleForbidden() {
        assertThat(decide("GET", false, false, null, null, null)).isEqualTo(Decision.UNAUTHENTICATED);
        assertThat(Decision.UNAUTHENTICATED.status()).isEqualTo(401);
        assertThat(decide("POST", false, false, OWN, "same-origin", TOKEN)).isEqualTo(Decision.UNAUTHENTICATED);
        assertThat(decide("GET", true, false, null, null, null)).isEqualTo(Decision.MISSING_ROLE);
        assertThat(Decision.MISSING_ROLE.status()).isEqualTo(403);
        assertThat(decide("GET", true, true, null, null, null)).isEqualTo(Decision.ALLOW);
        assertThat(decide("HEAD", true, true, null, null, null)).isEqualTo(Decision.ALLOW);
    }

    @Test
    void aChangeNeedsTheSessionTokenAndTheConsolesOwnOrigin() {
        assertThat(decide("POST", true, true, OWN, "same-origin", TOKEN)).isEqualTo(Decision.ALLOW);
        // clients that send neither Origin nor Sec-Fetch-Site (curl, scripts) need the token all the same
        assertThat(decide("POST", true, true, null, null, TOKEN)).isEqualTo(Decision.ALLOW);
        assertThat(decide("POST", true, true, OWN, "same-origin", null)).isEqualTo(Decision.BAD_TOKEN);
        assertThat(decide("POST", true, true, OWN, "same-origin", "a1b2c4")).isEqualTo(Decision.BAD_TOKEN);
        assertThat(ConsoleGuard.decide(new ConsoleGuard.Request("POST", true, true, OWN, OWN, null, TOKEN, null)))
                .as("no session, no token").isEqualTo(Decision.BAD_TOKEN);
        // a cross-site form or script: refused even with a token it somehow had
        assertThat(decide("POST", true, true, "https://evil.example", null, TOKEN)).isEqualTo(Decision.CROSS_ORIGIN);
        assertThat(decide("POST", true, true, "http://127.0.0.1:8081", null, TOKEN)).isEqualTo(Decision.CROSS_ORIGIN);
        assertThat(decide("POST", true, true, "null", null, TOKEN)).isEqualTo(Decision.CROSS_ORIGIN);
        assertThat(decide("POST", true, true, null, "cross-site", TOKEN)).isEqualTo(Decision.CROSS_ORIGIN);
        assertThat(decide("POST", true, true, null, "same-site", TOKEN)).isEqualTo(Decision.CROSS_ORIGIN);
        assertThat(Decision.CROSS_ORIGIN.status()).isEqualTo(403);
        assertThat(decide("DELETE", true, true, OWN, "same-origin", TOKEN)).isEqualTo(Decision.METHOD);
    }

    @Test
    void originsCompareByNormalizedSchemeHostAndPort() {
        assertThat(ConsoleGuard.sameOrigin("http://127.0.0.1:80", "http://127.0.0.1")).isTrue();
        assertThat(ConsoleGuard.sameOrigin("HTTP://LocalHost:8080", "http://localhost:8080")).isTrue();
        assertThat(ConsoleGuard.sameOrigin("https://localhost:8080", "http://localhost:8080")).isFalse();
        assertThat(ConsoleGuard.sameOrigin("http://localhost:8080.evil.example", "http://localhost:8080")).isFalse();
        assertThat(ConsoleGuard.sameOrigin("not a uri", "http://localhost:8080")).isFalse();
    }
}
