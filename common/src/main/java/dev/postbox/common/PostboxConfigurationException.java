package dev.postbox.common;

/**
 * A configuration value Postbox cannot work with. Thrown at start-up (deployment fails), never at call time,
 * and always names the configuration key and the rejected value.
 */
public class PostboxConfigurationException extends RuntimeException {

    private final String key;

    public PostboxConfigurationException(String key, Object value, String problem) {
        super("Invalid Postbox configuration " + key + "=" + quote(value) + ": " + problem);
        this.key = key;
    }

    public PostboxConfigurationException(String message) {
        super(message);
        this.key = null;
    }

    /** The offending configuration key, or null when the problem is not tied to one key. */
    public String key() {
        return key;
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
