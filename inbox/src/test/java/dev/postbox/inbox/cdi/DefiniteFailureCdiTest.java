package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxDatabase;

/** {@link AbstractDefiniteFailureCdiTest} on PostgreSQL. */
class DefiniteFailureCdiTest extends AbstractDefiniteFailureCdiTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.POSTGRESQL;
    }
}
