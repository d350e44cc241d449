package dev.postbox.inbox.internal.cdi;

import dev.postbox.common.internal.trace.CurrentTrace;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.inbox.internal.engine.ResultCodec;
import dev.postbox.inbox.internal.engine.JsonResultCodec;
import dev.postbox.inbox.internal.http.JaxRsResultCodec;
import dev.postbox.inbox.internal.method.IdempotentMethod;
import dev.postbox.inbox.internal.method.MethodPlan;
import dev.postbox.inbox.internal.trace.InboxTracing;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Owns the application's {@link InboxRuntime}: built on first use from the {@link InboxEnvironment} (the
 * container's by default), binds every {@code @Idempotent} method to it, registers their deferred-retry
 * handlers, and starts the scheduler when the application starts.
 */
@ApplicationScoped
public class InboxRuntimeBean {

    private static final Logger LOG = Logger.getLogger(InboxRuntimeBean.class.getName());

    @Inject
    InboxExtension extension;

    @Inject
    BeanManager beanManager;

    @Inject
    Instance<InboxEnvironment> environments;

    @Inject
    Instance<RequiresNewTransactions> containerTransactions;

    private volatile InboxRuntime runtime;
    private volatile Map<Method, IdempotentMethod> methods = Map.of();

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        runtime().start();
    }

    @PreDestroy
    synchronized void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    public InboxRuntime runtime() {
        InboxRuntime current = runtime;
        if (current != null) {
            return current; // no lock on the hot path: every intercepted call comes here
        }
        synchronized (this) {
            if (runtime == null) {
                runtime = create();
            }
            return runtime;
        }
    }

    /** The bound method, or null when {@code method} is not {@code @Idempotent}. */
    public IdempotentMethod method(Method method) {
        runtime();
        return methods.get(method);
    }

    private InboxRuntime create() {
        InboxConfig config = extension.config();
        InboxEnvironment environment = environments.isResolvable() ? environments.get()
                : new ContainerEnvironment(containerTransactions.get());
        InboxRuntime created = InboxRuntime.builder()
                .config(config)
                .dataSource(environment.dataSource(config))
                .transactions(environment.transactions())
                .executor(environment.scheduledExecutor())
                .tracing(InboxTracing.of(openTelemetryBean()))
                .build();
        Map<Method, IdempotentMethod> bound = new HashMap<>();
        for (MethodPlan plan : extension.plans().values()) {
            IdempotentMethod method = new IdempotentMethod(plan, config, created.jsonb(), codec(plan, created));
            bound.put(plan.method(), method);
            if (plan.deferredRetries()) {
                Bean<?> bean = extension.bean(plan.beanClass()).orElse(null);
                if (bean == null) {
                    LOG.warning(() -> plan.describe() + " is @Idempotent but its class is not a CDI bean: "
                            + "the annotation has no effect");
                    continue;
                }
                created.registry().register(method.handler(new CdiInvoker(beanManager, bean, method)));
            }
        }
        methods = Map.copyOf(bound); // published before runtime (volatile write order)
        LOG.info(() -> "inbox ready: table " + config.table() + ", " + bound.size() + " @Idempotent method(s)");
        return created;
    }

    /**
     * The application's {@code io.opentelemetry.api.OpenTelemetry} bean (MicroProfile Telemetry provides one), or
     * null: none, or no OpenTelemetry on the class path (then tracing is off, or uses GlobalOpenTelemetry).
     */
    private Object openTelemetryBean() {
        if (!CurrentTrace.available()) {
            return null;
        }
        try {
            Class<?> type = Class.forName(OPEN_TELEMETRY, false, InboxRuntimeBean.class.getClassLoader());
            Bean<?> bean = beanManager.resolve(beanManager.getBeans(type));
            return bean == null ? null
                    : beanManager.getReference(bean, type, beanManager.createCreationalContext(bean));
        } catch (ClassNotFoundException | RuntimeException e) {
            LOG.fine(() -> "no OpenTelemetry bean (" + e + "); the inbox's spans use GlobalOpenTelemetry");
            return null;
        }
    }

    private static final String OPEN_TELEMETRY = "io.opentelemetry.api.OpenTelemetry";

    private static ResultCodec codec(MethodPlan plan, InboxRuntime runtime) {
        if (plan.jaxrs()) {
            return new JaxRsResultCodec(runtime.jsonb(), plan.genericReturnType(), plan.returnsJaxRsResponse(),
                    plan.method());
        }
        return new JsonResultCodec(runtime.jsonb(), plan.genericReturnType());
    }
}
