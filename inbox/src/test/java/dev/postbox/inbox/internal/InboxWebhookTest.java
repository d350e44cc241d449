package dev.postbox.inbox.internal;

/** {@link AbstractInboxWebhookTest} on PostgreSQL. */
class InboxWebhookTest extends AbstractInboxWebhookTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
