package dev.postbox.inbox.internal.cdi;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.inbox.Idempotent;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.method.InvalidIdempotentMethodException;
import dev.postbox.inbox.internal.method.MethodPlan;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import jakarta.enterprise.inject.spi.WithAnnotations;
import jakarta.interceptor.Interceptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The inbox's portable extension: registers its beans (the jar's beans.xml turns bean discovery off, so these are
 * the only ones), analyses every
 * {@link Idempotent} method while the application is deployed, and fails the deployment with the method named
 * when one is misused or its configuration is invalid.
 */
public class InboxExtension implements Extension {

    private static final Logger LOG = Logger.getLogger(InboxExtension.class.getName());

    private final Map<Method, MethodPlan> plans = new ConcurrentHashMap<>();
    private final Map<Class<?>, Bean<?>> beans = new ConcurrentHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private volatile InboxConfig config;

    /** The type whose presence means the server has MicroProfile Metrics (then {@link InboxMetrics} is a bean). */
    static final String METRICS_API = "org.eclipse.microprofile.metrics.MetricRegistry";

    void registerBeans(@Observes BeforeBeanDiscovery event, BeanManager beanManager) {
        for (Class<?> type : List.of(IdempotentInterceptor.class, InboxRuntimeBean.class, InboxProducers.class,
                RequiresNewTransactions.class)) {
            event.addAnnotatedType(beanManager.createAnnotatedType(type), type.getName());
        }
        if (present(METRICS_API)) {
            event.addAnnotatedType(beanManager.createAnnotatedType(InboxMetrics.class), InboxMetrics.class.getName());
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, InboxExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    <T> void analyse(@Observes @WithAnnotations(Idempotent.class) ProcessAnnotatedType<T> event) {
        AnnotatedType<T> type = event.getAnnotatedType();
        if (type.isAnnotationPresent(Interceptor.class)) {
            return; // our interceptor (and any other) carries the binding itself
        }
        Idempotent classLevel = type.getAnnotation(Idempotent.class);
        for (AnnotatedMethod<? super T> annotated : type.getMethods()) {
            Method method = annotated.getJavaMember();
            Idempotent annotation = annotated.getAnnotation(Idempotent.class);
            if (annotation == null) {
                if (classLevel == null || !isBusinessMethod(method)) {
                    continue;
                }
                annotation = classLevel;
            }
            try {
                plans.put(method, MethodPlan.analyze(type.getJavaClass(), method, annotation));
            } catch (InvalidIdempotentMethodException e) {
                problems.add(e.getMessage());
            }
        }
    }

    private static boolean isBusinessMethod(Method method) {
        int modifiers = method.getModifiers();
        return method.getDeclaringClass() != Object.class && !Modifier.isStatic(modifiers)
                && !Modifier.isPrivate(modifiers) && !Modifier.isFinal(modifiers) && !method.isSynthetic();
    }

    <T> void rememberBean(@Observes ProcessManagedBean<T> event) {
        Class<?> beanClass = event.getAnnotatedBeanClass().getJavaClass();
        if (plans.values().stream().anyMatch(p -> p.beanClass() == beanClass)) {
            beans.put(beanClass, event.getBean());
        }
    }

    void validate(@Observes AfterBeanDiscovery event) {
        problems.forEach(p -> event.addDefinitionError(new DefinitionException(p)));
        InboxConfig read;
        try {
            read = CdiConfig.read();
        } catch (PostboxConfigurationException e) {
            event.addDefinitionError(e);
            return;
        }
        for (MethodPlan plan : plans.values()) {
            try {
                read.policy(plan.scope(), plan.spec(), plan.annotation().retryOn(), plan.annotation().abortOn());
            } catch (PostboxConfigurationException e) {
                event.addDefinitionError(new DefinitionException("@Idempotent on " + plan.describe() + ": "
                        + e.getMessage(), e));
            }
        }
        config = read;
        LOG.fine(() -> "inbox: " + plans.size() + " @Idempotent method(s) analysed");
    }

    /** The analysed method, or null when it is not {@code @Idempotent}. */
    public MethodPlan plan(Method method) {
        return plans.get(method);
    }

    public Map<Method, MethodPlan> plans() {
        return Map.copyOf(plans);
    }

    public Optional<Bean<?>> bean(Class<?> beanClass) {
        return Optional.ofNullable(beans.get(beanClass));
    }

    /** The configuration validated at deployment. */
    public InboxConfig config() {
        InboxConfig c = config;
        return c != null ? c : CdiConfig.read();
    }
}
