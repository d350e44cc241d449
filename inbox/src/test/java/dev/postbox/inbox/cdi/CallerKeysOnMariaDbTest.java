package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxDatabase;

/** {@link AbstractCallerKeysTest} on MariaDB 10.11. */
class CallerKeysOnMariaDbTest extends AbstractCallerKeysTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
