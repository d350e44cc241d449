package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxDatabase;

/** {@link AbstractDefiniteFailureCdiTest} on MariaDB 10.11. */
class DefiniteFailureCdiOnMariaDbTest extends AbstractDefiniteFailureCdiTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
