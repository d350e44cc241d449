package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxDatabase;

/** {@link AbstractInboxMetricsCdiTest} on PostgreSQL. */
class InboxMetricsCdiTest extends AbstractInboxMetricsCdiTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
