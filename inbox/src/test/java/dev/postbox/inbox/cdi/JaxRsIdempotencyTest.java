package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxDatabase;

/** {@link AbstractJaxRsIdempotencyTest} on PostgreSQL. */
class JaxRsIdempotencyTest extends AbstractJaxRsIdempotencyTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
