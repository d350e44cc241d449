package dev.postbox.demo.payments;

import dev.postbox.demo.payments.account.AccountResource;
import dev.postbox.demo.payments.audit.StatsResource;
import dev.postbox.demo.payments.gateway.GatewayWebhookResource;
import dev.postbox.inbox.IdempotentJaxRsFeature;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * JAX-RS resources live under {@code /payments/api}; the operator console (postbox-console) is
 * {@code /payments/postbox/}.
 *
 * <p>The classes are listed instead of scanned: WEB-INF/lib carries Kafka Connect's runtime (the relay's Debezium
 * engine needs it), whose REST API resources a scan would pick up and fail to deploy (unsatisfied {@code Herder}).
 * An application that lists its classes lists {@link IdempotentJaxRsFeature} too: it makes every replay of an
 * {@code @Idempotent} method the bytes of its first answer, whichever JSON provider the server uses.
 */
@ApplicationPath("api")
public class PaymentsApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(AccountResource.class, GatewayWebhookResource.class, StatsResource.class,
                ProblemMapper.class, IdempotentJaxRsFeature.class);
    }
}
