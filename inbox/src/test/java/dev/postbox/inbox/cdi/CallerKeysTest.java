package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxDatabase;

/** {@link AbstractCallerKeysTest} on PostgreSQL. */
class CallerKeysTest extends AbstractCallerKeysTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
