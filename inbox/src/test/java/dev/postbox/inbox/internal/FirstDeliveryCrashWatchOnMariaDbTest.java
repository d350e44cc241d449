package dev.postbox.inbox.internal;

/** {@link AbstractFirstDeliveryCrashWatchTest} on MariaDB 10.11. */
class FirstDeliveryCrashWatchOnMariaDbTest extends AbstractFirstDeliveryCrashWatchTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
