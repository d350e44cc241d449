package dev.postbox.it.platform.misuse.lib;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;
import java.util.ArrayList;
import java.util.List;

/** Reports a misused {@link NeedsKey} at deployment, naming the method, the way the Postbox extensions will. */
public class NeedsKeyExtension implements Extension {

    private final List<String> problems = new ArrayList<>();

    <T> void check(@Observes @WithAnnotations(NeedsKey.class) ProcessAnnotatedType<T> event) {
        for (AnnotatedMethod<? super T> method : event.getAnnotatedType().getMethods()) {
            if (method.isAnnotationPresent(NeedsKey.class) && method.getParameters().isEmpty()) {
                problems.add("@NeedsKey on " + method.getJavaMember().getDeclaringClass().getName() + "#"
                        + method.getJavaMember().getName() + "() needs a parameter to take the key from");
            }
        }
    }

    void report(@Observes AfterBeanDiscovery event) {
        problems.forEach(problem -> event.addDefinitionError(new IllegalStateException(problem)));
    }
}
