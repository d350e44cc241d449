package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxDatabase;

/** {@link AbstractJaxRsIdempotencyTest} on MariaDB 10.11. */
class JaxRsIdempotencyOnMariaDbTest extends AbstractJaxRsIdempotencyTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
