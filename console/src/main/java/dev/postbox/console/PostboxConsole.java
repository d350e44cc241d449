package dev.postbox.console;

/**
 * The Postbox console: add {@code dev.postbox:postbox-console} to a WAR and the console answers at
 * {@value #DEFAULT_PATH}/ for users in the role {@value #DEFAULT_ROLE} (both configurable: see the console README).
 * Nothing needs calling: the jar registers itself as a servlet container initializer. This class only names the
 * defaults, e.g. for {@code @DeclareRoles(PostboxConsole.DEFAULT_ROLE)} in the application.
 */
public final class PostboxConsole {

    /** Default of {@code postbox.console.path}. */
    public static final String DEFAULT_PATH = "/postbox";

    /** Default of {@code postbox.console.role}. */
    public static final String DEFAULT_ROLE = "postbox-admin";

    /** The request header carrying the session's token on every change (POST). */
    public static final String TOKEN_HEADER = "X-Postbox-Console-Token";

    private PostboxConsole() {
    }
}
