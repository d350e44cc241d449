package dev.postbox.inbox.internal;

/** {@link AbstractInboxMetricsTest} on MariaDB 10.11. */
class InboxMetricsOnMariaDbTest extends AbstractInboxMetricsTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
