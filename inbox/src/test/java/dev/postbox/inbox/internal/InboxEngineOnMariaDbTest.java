package dev.postbox.inbox.internal;

/** {@link AbstractInboxEngineTest} on MariaDB 10.11. */
class InboxEngineOnMariaDbTest extends AbstractInboxEngineTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
