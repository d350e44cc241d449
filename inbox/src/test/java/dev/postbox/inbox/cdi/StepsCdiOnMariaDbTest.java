package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxDatabase;

/** {@link AbstractStepsCdiTest} on MariaDB 10.11. */
class StepsCdiOnMariaDbTest extends AbstractStepsCdiTest {

    @Override
    InboxDatabase.Product product() {
        return InboxDatabase.Product.MARIADB;
    }
}
