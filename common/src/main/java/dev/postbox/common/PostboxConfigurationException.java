package dev.postbox.common;

/**
 * A configuration value Postbox cannot work with. Thrown at start-up (deployment fails), never at call time,
 * and always names the configuration key and the rejected value.
 */
public class PostboxConfigurationException extends RuntimeException {

    private final String key;
    private final String problem;

    /**
     * The one shape of every configuration error: {@code Invalid Postbox configuration <key>='<value>': <what is
     * allowed> (from <where>)}. Pass {@code "****"} as the value of a secret.
     *
     * @param problem what is wrong or allowed, e.g. {@code must be true or false}, ending with where the value came
     *     from when known
     */
    public PostboxConfigurationException(String key, Object value, String problem) {
        super("Invalid Postbox configuration " + key + "=" + quote(value) + ": " + problem);
        this.key = key;
        this.problem = problem;
    }

    public PostboxConfigurationException(String message) {
        super(message);
        this.key = null;
        this.problem = message;
    }

    /** The offending configuration key, or null when the problem is not tied to one key. */
    public String key() {
        return key;
    }

    /** What is wrong with the value (the message without the key and value), e.g. {@code must be true or false}. */
    public String problem() {
        return problem;
    }

    private static String quote(Object value) {
        if (value == null) {
            return "<unset>";
        }
        String text = String.valueOf(value);
        // Keep log lines readable and single-line even for hostile input.
        text = text.replaceAll("\\p{Cntrl}", "?");
        if (text.length() > 80) {
            text = text.substring(0, 77) + "...";
        }
        return "'" + text + "'";
    }
}
