package dev.postbox.console.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * Who may do what in the console, as a pure decision over what the request says (tested alone; the servlet only
 * gathers the inputs and writes the answer):
 * <ul>
 *   <li>nobody authenticated: 401 (the application's own login mechanism is asked to challenge);</li>
 *   <li>authenticated without the role: 403;</li>
 *   <li>a change (any method but GET/HEAD) also needs the session's token in {@value #TOKEN_HEADER} (a header a
 *       cross-site form cannot send, and a value a cross-site page cannot read), and, when the browser says where
 *       the request comes from ({@code Origin}, {@code Sec-Fetch-Site}), that it is this origin.</li>
 * </ul>
 */
final class ConsoleGuard {

    static final String TOKEN_HEADER = dev.postbox.console.PostboxConsole.TOKEN_HEADER;

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD");

    enum Decision {
        ALLOW(200, null),
        UNAUTHENTICATED(401, "authentication required: log in as a user with the console's role"),
        MISSING_ROLE(403, "this user lacks the console's role"),
        CROSS_ORIGIN(403, "cross-origin change refused: the console only accepts changes from its own page"),
        BAD_TOKEN(403, "missing or wrong " + TOKEN_HEADER + " header: take the token from GET api/session "
                + "in the same session"),
        METHOD(405, "method not allowed");

        private final int status;
        private final String message;

        Decision(int status, String message) {
            this.status = status;
            this.message = message;
        }

        int status() {
            return status;
        }

        String message() {
            return message;
        }
    }

    /**
     * What one request says about itself.
     *
     * @param ownOrigin this server as the client addressed it ({@code scheme://host[:port]})
     * @param origin the {@code Origin} header, or null
     * @param fetchSite the {@code Sec-Fetch-Site} header, or null
     * @param token the {@value #TOKEN_HEADER} header, or null
     * @param sessionToken the token of the request's session, or null when it has none
     */
    record Request(String method, boolean authenticated, boolean inRole, String ownOrigin, String origin,
            String fetchSite, String token, String sessionToken) {
    }

    private ConsoleGuard() {
    }

    static Decision decide(Request r) {
        if (!r.authenticated()) {
            return Decision.UNAUTHENTICATED;
        }
        if (!r.inRole()) {
            return Decision.MISSING_ROLE;
        }
        String method = r.method().toUpperCase(Locale.ROOT);
        if (SAFE_METHODS.contains(method)) {
            return Decision.ALLOW;
        }
        if (!"POST".equals(method)) {
            return Decision.METHOD;
        }
        if (r.fetchSite() != null && !r.fetchSite().equalsIgnoreCase("same-origin")) {
            return Decision.CROSS_ORIGIN;
        }
        if (r.origin() != null && !sameOrigin(r.origin(), r.ownOrigin())) {
            return Decision.CROSS_ORIGIN;
        }
        if (r.token() == null || r.sessionToken() == null || !constantTimeEquals(r.token(), r.sessionToken())) {
            return Decision.BAD_TOKEN;
        }
        return Decision.ALLOW;
    }

    static boolean sameOrigin(String origin, String own) {
        if (origin == null || own == null || "null".equals(origin)) {
            return false;
        }
        try {
            return normalized(URI.create(origin.trim())).equals(normalized(URI.create(own.trim())));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalized(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        if (port == -1) {
            port = "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
        }
        return scheme + "://" + host + ":" + port;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
