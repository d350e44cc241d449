package dev.postbox.inbox.internal;

/** {@link AbstractScopeRateLimitTest} on PostgreSQL. */
class ScopeRateLimitTest extends AbstractScopeRateLimitTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
