package dev.postbox.it.platform.lib;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

@LibTraced
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE + 100)
public class LibTracedInterceptor {

    @AroundInvoke
    Object trace(InvocationContext context) throws Exception {
        return "traced:" + context.proceed();
    }
}
