package dev.postbox.common;

import java.util.regex.Pattern;

/**
 * Validation of table and schema names that come from configuration.
 *
 * <p>Postbox builds a few SQL statements with configured table names (identifiers cannot be bind
 * parameters). Every such name is checked against {@value #PATTERN_TEXT} when the component starts,
 * so a typo or an injection attempt fails the deployment with the offending key in the message instead of
 * reaching the database. Names in PostgreSQL's system namespaces ({@code pg_*}, {@code information_schema}) are
 * refused too.
 */
public final class SqlIdentifiers {

    /** Lower-case PostgreSQL identifier that never needs quoting, at most 63 characters. */
    public static final String PATTERN_TEXT = "^[a-z_][a-z0-9_]{0,62}$";

    private static final Pattern PATTERN = Pattern.compile(PATTERN_TEXT);

    private SqlIdentifiers() {
    }

    /** True when {@code name} is a plain identifier Postbox accepts. */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /**
     * True for names PostgreSQL keeps for itself: {@code pg_*} (reserved for system schemas, and an unqualified
     * {@code pg_*} table name resolves against {@code pg_catalog} first) and {@code information_schema}.
     */
    private static boolean isSystemName(String name) {
        return name.startsWith("pg_") || name.equals("information_schema");
    }

    /**
     * Returns {@code name} when it is valid.
     *
     * @param configKey the configuration key the name came from, quoted in the error
     * @throws PostboxConfigurationException when the name does not match {@value #PATTERN_TEXT}
     */
    public static String require(String configKey, String name) {
        if (!isValid(name)) {
            throw new PostboxConfigurationException(configKey, name,
                    "must be a lower-case SQL identifier matching " + PATTERN_TEXT);
        }
        if (isSystemName(name)) {
            throw new PostboxConfigurationException(configKey, name,
                    "names starting with pg_ and information_schema belong to PostgreSQL's system catalogs");
        }
        return name;
    }

    /**
     * Validates an optionally schema-qualified name such as {@code public.outbox_event}: each part must be a
     * valid identifier.
     */
    public static String requireQualified(String configKey, String name) {
        if (name == null) {
            throw new PostboxConfigurationException(configKey, null, "must not be empty");
        }
        int dot = name.indexOf('.');
        if (dot < 0) {
            return require(configKey, name);
        }
        String schema = name.substring(0, dot);
        String table = name.substring(dot + 1);
        if (!isValid(schema) || !isValid(table)) {
            throw new PostboxConfigurationException(configKey, name,
                    "must be 'table' or 'schema.table', each part matching " + PATTERN_TEXT);
        }
        if (isSystemName(schema) || isSystemName(table)) {
            throw new PostboxConfigurationException(configKey, name,
                    "schemas and tables named pg_* or information_schema belong to PostgreSQL's system catalogs");
        }
        return name;
    }
}
