package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxDatabase;

/** {@link AbstractIdempotentCdiTest} on PostgreSQL. */
class IdempotentCdiTest extends AbstractIdempotentCdiTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
