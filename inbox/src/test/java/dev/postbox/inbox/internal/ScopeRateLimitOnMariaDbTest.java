package dev.postbox.inbox.internal;

/** {@link AbstractScopeRateLimitTest} on MariaDB 10.11. */
class ScopeRateLimitOnMariaDbTest extends AbstractScopeRateLimitTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
