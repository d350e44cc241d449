package dev.postbox.inbox.internal;

/** {@link AbstractScopeBreakerTest} on MariaDB 10.11. */
class ScopeBreakerOnMariaDbTest extends AbstractScopeBreakerTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
