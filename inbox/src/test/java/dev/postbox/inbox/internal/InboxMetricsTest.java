package dev.postbox.inbox.internal;

/** {@link AbstractInboxMetricsTest} on PostgreSQL. */
class InboxMetricsTest extends AbstractInboxMetricsTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
