package dev.postbox.inbox.internal;

/** {@link AbstractInboxStepsTest} on PostgreSQL. */
class InboxStepsTest extends AbstractInboxStepsTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
