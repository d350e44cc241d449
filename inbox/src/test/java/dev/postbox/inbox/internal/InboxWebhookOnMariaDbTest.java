package dev.postbox.inbox.internal;

/** {@link AbstractInboxWebhookTest} on MariaDB 10.11. */
class InboxWebhookOnMariaDbTest extends AbstractInboxWebhookTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
