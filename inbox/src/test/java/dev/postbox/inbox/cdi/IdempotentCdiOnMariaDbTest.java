package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxDatabase;

/** {@link AbstractIdempotentCdiTest} on MariaDB 10.11. */
class IdempotentCdiOnMariaDbTest extends AbstractIdempotentCdiTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
