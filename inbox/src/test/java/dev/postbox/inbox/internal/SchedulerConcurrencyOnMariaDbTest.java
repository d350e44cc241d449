package dev.postbox.inbox.internal;

/** {@link AbstractSchedulerConcurrencyTest} on MariaDB 10.11. */
class SchedulerConcurrencyOnMariaDbTest extends AbstractSchedulerConcurrencyTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
