package dev.postbox.inbox.internal;

/** {@link AbstractInboxEngineTest} on PostgreSQL. */
class InboxEngineTest extends AbstractInboxEngineTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
