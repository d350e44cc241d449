package dev.postbox.inbox.internal;

/** {@link AbstractFirstDeliveryCrashWatchTest} on PostgreSQL. */
class FirstDeliveryCrashWatchTest extends AbstractFirstDeliveryCrashWatchTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
