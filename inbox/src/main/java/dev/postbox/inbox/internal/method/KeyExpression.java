package dev.postbox.inbox.internal.method;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A key expression such as {@code event.id} (parameter {@code event}, property {@code id}) or {@code #0.id}
 * (first parameter). Properties are read through a record accessor, a getter ({@code getId()}/{@code isId()}),
 * a public field, or {@code Map.get}.
 */
public final class KeyExpression {

    private static final Pattern SYNTAX =
            Pattern.compile("(#\\d+|[A-Za-z_$][A-Za-z0-9_$]*)(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    private final String text;
    private final int parameter;
    private final String[] path;

    private KeyExpression(String text, int parameter, String[] path) {
        this.text = text;
        this.parameter = parameter;
        this.path = path;
    }

    /**
     * Parses and checks an expression against a method's parameters.
     *
     * @throws IllegalArgumentException with a message fit for a deployment error
     */
    public static KeyExpression parse(String text, Method method) {
        String trimmed = text.trim();
        if (!SYNTAX.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("key expression '" + text + "' is not 'parameter.property...' or "
                    + "'#index.property...'");
        }
        String[] parts = trimmed.split("\\.");
        Parameter[] parameters = method.getParameters();
        int index = -1;
        if (parts[0].startsWith("#")) {
            index = Integer.parseInt(parts[0].substring(1));
            if (index >= parameters.length) {
                throw new IllegalArgumentException("key expression '" + text + "' names parameter " + parts[0]
                        + " but the method has " + parameters.length + " parameter(s)");
            }
        } else {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i].getName().equals(parts[0])) {
                    index = i;
                }
            }
            if (index < 0) {
                boolean namesMissing = parameters.length > 0 && !parameters[0].isNamePresent();
                throw new IllegalArgumentException("key expression '" + text + "' names an unknown parameter '"
                        + parts[0] + "'" + (namesMissing
                                ? " (parameter names are not compiled in: compile with -parameters or use '#0...')"
                                : ""));
            }
        }
        String[] path = new String[parts.length - 1];
        System.arraycopy(parts, 1, path, 0, path.length);
        checkPath(text, parameters[index].getType(), path);
        return new KeyExpression(trimmed, index, path);
    }

    /** A whole parameter as the key ({@code @IdempotencyKey}). */
    public static KeyExpression parameter(int index, String name) {
        return new KeyExpression(name, index, new String[0]);
    }

    public String text() {
        return text;
    }

    public int parameterIndex() {
        return parameter;
    }

    /** The key, or null when a value on the path is null. */
    public String evaluate(Object[] arguments) {
        Object value = arguments[parameter];
        for (String property : path) {
            if (value == null) {
                return null;
            }
            value = read(value, property);
        }
        return value == null ? null : value.toString();
    }

    /** Fails early for a property that the declared type cannot have; open types are checked at call time. */
    private static void checkPath(String text, Class<?> type, String[] path) {
        Class<?> current = type;
        for (String property : path) {
            if (current == null || current == Object.class || Map.class.isAssignableFrom(current)
                    || current.isInterface() || Modifier.isAbstract(current.getModifiers())) {
                return;
            }
            Class<?> next = propertyType(current, property);
            if (next == null) {
                throw new IllegalArgumentException("key expression '" + text + "': " + current.getName()
                        + " has no readable property '" + property + "' (record component, getter or public field)");
            }
            current = next;
        }
    }

    private static Class<?> propertyType(Class<?> type, String property) {
        Method accessor = accessor(type, property);
        if (accessor != null) {
            return accessor.getReturnType();
        }
        Field field = field(type, property);
        return field == null ? null : field.getType();
    }

    private static Object read(Object target, String property) {
        if (target instanceof Map<?, ?> map) {
            return map.get(property);
        }
        try {
            Method accessor = accessor(target.getClass(), property);
            if (accessor != null) {
                accessor.setAccessible(true);
                return accessor.invoke(target);
            }
            Field field = field(target.getClass(), property);
            if (field != null) {
                return field.get(target);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read property '" + property + "' of " + target.getClass().getName()
                    + ": " + e, e);
        }
        throw new IllegalStateException(target.getClass().getName() + " has no readable property '" + property + "'");
    }

    private static Method accessor(Class<?> type, String property) {
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                if (component.getName().equals(property)) {
                    return component.getAccessor();
                }
            }
        }
        String capitalized = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (String name : new String[] {"get" + capitalized, "is" + capitalized}) {
            try {
                Method m = type.getMethod(name);
                if (m.getReturnType() != void.class) {
                    return m;
                }
            } catch (NoSuchMethodException ignored) {
                // try the next form
            }
        }
        return null;
    }

    private static Field field(Class<?> type, String property) {
        try {
            return type.getField(property);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }
}
