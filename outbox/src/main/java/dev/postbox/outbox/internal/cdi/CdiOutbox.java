package dev.postbox.outbox.internal.cdi;

import dev.postbox.outbox.Outbox;
import dev.postbox.outbox.OutboxEvent;
import dev.postbox.outbox.PayloadSerializer;
import dev.postbox.outbox.internal.JsonbPayloadSerializer;
import dev.postbox.outbox.internal.OutboxSettings;
import dev.postbox.outbox.internal.TransactionConnection;
import dev.postbox.outbox.internal.TransactionalOutbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * The {@link Outbox} bean applications inject. Builds the {@link TransactionalOutbox} once, when the application
 * starts, so that a wrong data source name fails the deployment rather than the first business call.
 */
@ApplicationScoped
public class CdiOutbox implements Outbox {

    private static final Logger LOG = Logger.getLogger(CdiOutbox.class.getName());

    @Inject
    OutboxEnvironment environment;

    @Inject
    Instance<PayloadSerializer> serializers;

    private volatile TransactionalOutbox delegate;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        delegate();
    }

    @Override
    public void publish(OutboxEvent event) {
        delegate().publish(event);
    }

    /** See {@link TransactionalOutbox#publishFromCallback}. */
    public void publishFromCallback(OutboxEvent event) {
        delegate().publishFromCallback(event);
    }

    /** See {@link TransactionalOutbox#useTransactionConnection}. */
    public void useTransactionConnection(TransactionConnection connection) {
        delegate().useTransactionConnection(connection);
    }

    TransactionalOutbox delegate() {
        TransactionalOutbox current = delegate;
        if (current == null) {
            synchronized (this) {
                current = delegate;
                if (current == null) {
                    current = create();
                    delegate = current;
                }
            }
        }
        return current;
    }

    private TransactionalOutbox create() {
        OutboxSettings settings = environment.settings();
        PayloadSerializer serializer = serializers.isResolvable() ? serializers.get() : new JsonbPayloadSerializer();
        TransactionalOutbox outbox = new TransactionalOutbox(settings, environment.transactionSynchronizationRegistry(),
                environment.dataSource(settings.dataSource()), serializer);
        LOG.info(() -> "Postbox outbox ready: table " + settings.table() + ", data source " + settings.dataSource()
                + ", delete-after-insert " + settings.deleteAfterInsert() + ", payload serializer "
                + serializer.getClass().getName());
        return outbox;
    }
}
