package dev.postbox.inbox.internal.cdi;

import dev.postbox.inbox.Idempotent;
import dev.postbox.inbox.InboxException;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.internal.engine.Invocation;
import dev.postbox.inbox.internal.engine.Outcome;
import dev.postbox.inbox.internal.http.HttpExchange;
import dev.postbox.inbox.internal.http.JaxRs;
import dev.postbox.inbox.internal.http.JaxRsExchange;
import dev.postbox.inbox.internal.method.IdempotentMethod;
import dev.postbox.inbox.internal.method.MethodPlan;
import dev.postbox.inbox.internal.trace.InboxTracing;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.io.Serializable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The {@link Idempotent} interceptor.
 *
 * <p>Priority {@code PLATFORM_BEFORE + 100} (= 100): it must run before {@code @Transactional} (200), so that the
 * inbox's transactions are its own and the business method's {@code @Transactional(REQUIRED)} joins the inbox's
 * new transaction: on a first delivery the one in which the record is inserted COMPLETED, on a claimed retry the
 * one in which the claimed record is marked COMPLETED (see {@code InboxEngine}). Application and library
 * interceptors (fault tolerance, metrics, at 1000 and above) run inside one attempt.
 */
@Idempotent
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class IdempotentInterceptor implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    InboxRuntimeBean inbox;

    private static final Logger LOG = Logger.getLogger(IdempotentInterceptor.class.getName());
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    @AroundInvoke
    Object intercept(InvocationContext context) throws Exception {
        IdempotentMethod method = inbox.method(context.getMethod());
        if (method == null) {
            return context.proceed();
        }
        MethodPlan plan = method.plan();
        if (RetryMarker.consume(plan.handlerId())) {
            return context.proceed(); // a deferred retry: the scheduler has claimed the record already
        }
        HttpExchange http = plan.jaxrs() ? HttpExchange.current() : null;
        if (http != null && !plan.returnsJaxRsResponse() && !plan.returnsVoid() && JaxRsExchange.current() == null) {
            warnNoExactReplay(plan);
        }
        try {
            Invocation invocation = method.invocation(context.getParameters(), http,
                    context::proceed);
            Outcome outcome = inbox.runtime().deliveries().deliver(plan.jaxrs() ? InboxTracing.Entry.HTTP
                    : InboxTracing.Entry.MESSAGE, invocation.scope(), invocation.key(),
                    http == null ? null : http::header, () -> inbox.runtime().engine().execute(invocation));
            if (!plan.jaxrs()) {
                return outcome.value();
            }
            return outcome.replayed() ? JaxRs.markReplayed(outcome.value(), outcome.stored(), http, plan.method())
                    : JaxRs.firstAnswer(outcome.value(), outcome.stored(), plan.method());
        } catch (ProcessingDeferredException e) {
            if (plan.jaxrs()) {
                throw JaxRs.toWebApplicationException(e);
            }
            if (plan.returnsVoid()) {
                return null; // the work is recorded and will be retried: nothing to return anyway
            }
            throw e;
        } catch (InboxException e) {
            throw plan.jaxrs() ? JaxRs.toWebApplicationException(e) : e;
        }
    }

    /**
     * Once per method: a POJO result without the inbox's JAX-RS filter is stored as JSON-B JSON, and a replay's
     * body may then differ from the bytes the server's own provider wrote the first time.
     */
    private static void warnNoExactReplay(MethodPlan plan) {
        if (WARNED.add(plan.handlerId())) {
            LOG.warning(() -> "@Idempotent "
                    + plan.describe() + " returns an object, but the inbox's JAX-RS filter is not registered in this"
                    + " application: the result is stored as JSON-B JSON and a replay's body may differ from the"
                    + " first answer's bytes (property order, dates, nulls). Add "
                    + "dev.postbox.inbox.IdempotentJaxRsFeature to Application.getClasses(), or return a Response.");
        }
    }
}
