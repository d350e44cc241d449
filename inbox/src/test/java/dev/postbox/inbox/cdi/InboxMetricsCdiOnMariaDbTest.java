package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxDatabase;

/** {@link AbstractInboxMetricsCdiTest} on MariaDB 10.11. */
class InboxMetricsCdiOnMariaDbTest extends AbstractInboxMetricsCdiTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
