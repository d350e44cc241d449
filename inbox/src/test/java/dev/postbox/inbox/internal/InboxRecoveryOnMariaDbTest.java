package dev.postbox.inbox.internal;

/** {@link AbstractInboxRecoveryTest} on MariaDB 10.11. */
class InboxRecoveryOnMariaDbTest extends AbstractInboxRecoveryTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
