package dev.postbox.inbox.internal.cdi;

import dev.postbox.inbox.internal.engine.HandlerRegistry;
import dev.postbox.inbox.internal.method.IdempotentMethod;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Re-invokes an {@code @Idempotent} method for a deferred retry through its CDI bean, so the business method runs
 * with all its interceptors (the inbox's own only proceeds, see {@link RetryMarker}). A request context is active
 * during the call, as request-scoped beans (JAX-RS resources) expect one.
 */
final class CdiInvoker implements HandlerRegistry.Invoker {

    private final BeanManager beanManager;
    private final Bean<?> bean;
    private final IdempotentMethod method;

    CdiInvoker(BeanManager beanManager, Bean<?> bean, IdempotentMethod method) {
        this.beanManager = beanManager;
        this.bean = bean;
        this.method = method;
    }

    @Override
    public Object invoke(String arguments) throws Exception {
        Object[] args = method.decodeArguments(arguments);
        RequestContextController requestContext = beanManager.createInstance()
                .select(RequestContextController.class).get();
        boolean activated = requestContext.activate();
        CreationalContext<?> creationalContext = beanManager.createCreationalContext(bean);
        try {
            Object reference = beanManager.getReference(bean, method.plan().beanClass(), creationalContext);
            Method target = method.plan().method();
            target.setAccessible(true);
            RetryMarker.set(method.plan().handlerId());
            try {
                return target.invoke(reference, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            } finally {
                RetryMarker.clear();
            }
        } finally {
            if (bean.getScope() == Dependent.class) {
                creationalContext.release();
            }
            if (activated) {
                requestContext.deactivate();
            }
        }
    }
}
