package dev.postbox.inbox.internal;

/** {@link AbstractInboxStepsTest} on MariaDB 10.11. */
class InboxStepsOnMariaDbTest extends AbstractInboxStepsTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
