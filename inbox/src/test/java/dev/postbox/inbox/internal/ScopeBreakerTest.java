package dev.postbox.inbox.internal;

/** {@link AbstractScopeBreakerTest} on PostgreSQL. */
class ScopeBreakerTest extends AbstractScopeBreakerTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
