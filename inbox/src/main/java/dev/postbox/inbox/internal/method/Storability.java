package dev.postbox.inbox.internal.method;

import java.lang.annotation.Annotation;
import java.lang.reflect.Parameter;
import java.util.Set;

/**
 * Which parameters can be stored as JSON for a deferred retry (and so take part in the payload fingerprint):
 * not the container's context objects, streams or async handles. Checked by class name so that the inbox does
 * not need JAX-RS or Servlet classes to be present.
 */
final class Storability {

    private static final Set<String> CONTEXT_ANNOTATIONS = Set.of("jakarta.ws.rs.core.Context",
            "jakarta.ws.rs.container.Suspended", "jakarta.ws.rs.BeanParam");

    private static final Set<String> CONTEXT_TYPES = Set.of("java.io.InputStream", "java.io.Reader",
            "jakarta.servlet.ServletRequest", "jakarta.servlet.ServletResponse", "jakarta.ws.rs.core.UriInfo",
            "jakarta.ws.rs.core.HttpHeaders", "jakarta.ws.rs.core.Request", "jakarta.ws.rs.core.SecurityContext",
            "jakarta.ws.rs.container.AsyncResponse", "jakarta.ws.rs.sse.SseEventSink", "jakarta.ws.rs.sse.Sse",
            "jakarta.enterprise.inject.spi.InjectionPoint", "jakarta.persistence.EntityManager",
            "java.sql.Connection");

    private Storability() {
    }

    static boolean isStorable(Parameter parameter) {
        for (Annotation a : parameter.getAnnotations()) {
            if (CONTEXT_ANNOTATIONS.contains(a.annotationType().getName())) {
                return false;
            }
        }
        return !isContextType(parameter.getType());
    }

    private static boolean isContextType(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (CONTEXT_TYPES.contains(c.getName()) || implementsContextType(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean implementsContextType(Class<?> c) {
        for (Class<?> i : c.getInterfaces()) {
            if (CONTEXT_TYPES.contains(i.getName()) || implementsContextType(i)) {
                return true;
            }
        }
        return false;
    }
}
