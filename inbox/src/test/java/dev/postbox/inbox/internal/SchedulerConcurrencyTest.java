package dev.postbox.inbox.internal;

/** {@link AbstractSchedulerConcurrencyTest} on PostgreSQL. */
class SchedulerConcurrencyTest extends AbstractSchedulerConcurrencyTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
