package dev.postbox.inbox.internal;

/** {@link AbstractInboxRecoveryTest} on PostgreSQL. */
class InboxRecoveryTest extends AbstractInboxRecoveryTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
